/**
 * An error the user can fix: bad input, a bad option, an unreadable file. The CLI prints its message on one
 * line and exits 2, never with a stack trace.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A UsageError as the user reads it: `keyguard: ` before each of its lines (an allowlist reports all its bad lines at once). */
export const usageErrorText = (error: UsageError) => `${error.message.split('\n').map((line) => `keyguard: ${line}`).join('\n')}\n`;

/** The message of anything thrown, for one-line reports. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
