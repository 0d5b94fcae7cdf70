import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const scanHistoryCommand: CommandModule = {
  command: 'scan-history',
  describe: 'Scan every commit of the repository history, messages included',
  handler: () => {
    throw new UsageError('scan-history is not built yet');
  },
};
