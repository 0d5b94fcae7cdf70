import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const installCommand: CommandModule = {
  command: 'install',
  describe: 'Install keyguard\'s git hooks in this repository',
  handler: () => {
    throw new UsageError('install is not built yet');
  },
};

export const uninstallCommand: CommandModule = {
  command: 'uninstall',
  describe: 'Remove keyguard\'s git hooks',
  handler: () => {
    throw new UsageError('uninstall is not built yet');
  },
};
