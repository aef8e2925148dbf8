/** A mistake in how a command was called (a flag, a file): printed as one line, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
