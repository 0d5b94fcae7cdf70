import type { CommandModule } from 'yargs';

/** allow, add, add-provider, aws-provider, list: the allowlist and git-secrets-style commands. */
export const addCommands: CommandModule[] = [];
