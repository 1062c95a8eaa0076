/**
 * Errors for people: one line on stderr, exit code 2, no stack trace (set TLS_INSPECT_DEBUG=1 to
 * see one for an internal error).
 */
import { CaptureError } from '../capture/types.js';
import { sanitizeTerminal } from '../report/sanitize.js';

/** Bad command-line usage or input the user can fix. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Prints the error as one line and returns the exit code (2). */
export function fail(err: unknown): number {
  let msg: string;
  if (err instanceof UsageError || err instanceof CaptureError) {
    msg = err.message;
  } else if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    const e = err as NodeJS.ErrnoException;
    msg = e.code === 'EPIPE' ? '' : `${e.code}: ${e.message}`;
  } else {
    msg = `internal error: ${err instanceof Error ? err.message : String(err)} (please report it; TLS_INSPECT_DEBUG=1 shows details)`;
    if (process.env.TLS_INSPECT_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
  // Our own messages embed paths, interface names and option values the user typed: escaped as a
  // whole (a newline in a file name stays visible in the one line); anything else: its first line.
  const own = err instanceof UsageError || err instanceof CaptureError;
  if (msg) process.stderr.write(`tls-inspect: ${sanitizeTerminal(own ? msg : msg.split('\n')[0])}\n`);
  return 2;
}
