import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const ciCommand: CommandModule = {
  command: 'ci',
  describe: 'Scan the commits of the current pull request or push, picking the range from the CI environment',
  handler: () => {
    throw new UsageError('ci is not built yet');
  },
};
