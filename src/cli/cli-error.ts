/**
 * A failure the CLI knows how to explain: printed as one line, `error: <what happened>; <what to do>`,
 * never with a stack trace. Exit status 1 (something failed), or 2 (the command line or the configuration
 * must change), as `UsageError` and `ConfigError` also give.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** The exit statuses of every command (README, "Exit statuses"). */
export const EXIT = {
  /** Done; for a sync, every host synced and no row rejected. */
  ok: 0,
  /** Something failed: a host, a rejected row, GLPI, Temporal, a port in use. */
  failure: 1,
  /** The command line or the configuration must change: a flag, a variable, an id that does not exist. */
  usage: 2,
} as const;
