// Exit codes of every `diffgraph` command, and the error that carries one up to main.ts.

export const EXIT = {
  ok: 0,
  /** Some run failed (or a command could not do its job). */
  failed: 1,
  /** Bad input found before anything ran: unreadable file, invalid graph, bad option. */
  badInput: 2,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A user-facing failure: each line is printed to stderr as is, then the process exits with `code`. */
export class CliError extends Error {
  constructor(
    readonly lines: string[],
    readonly code: ExitCode = EXIT.badInput,
  ) {
    super(lines.join('\n'));
    this.name = 'CliError';
  }
}
