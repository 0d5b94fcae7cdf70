import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const baselineCommand: CommandModule = {
  command: 'baseline <action> [file]',
  describe: 'Record current findings so later scans report only new ones',
  handler: () => {
    throw new UsageError('baseline <action> [file] is not built yet');
  },
};
