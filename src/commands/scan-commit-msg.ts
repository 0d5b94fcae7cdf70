import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const scanCommitMsgCommand: CommandModule = {
  command: 'scan-commit-msg <file>',
  describe: 'Scan a commit message file (what the commit-msg hook runs)',
  handler: () => {
    throw new UsageError('scan-commit-msg <file> is not built yet');
  },
};
