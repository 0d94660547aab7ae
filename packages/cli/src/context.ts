import { terminalSafe } from './views/terminal-text.js';

/**
 * What a command may touch: its output streams and where the user ran it from. Commands receive
 * it instead of reaching for `process`, so tests run them in-process and read what they printed.
 */
export interface CliContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /**
   * Resolves once what `out` was given has been handed to the reader (a pipe's reader can be
   * slower than hyperp): commands printing without bound (`logs`) wait for it between chunks,
   * so memory stays bounded. Absent in tests, where `out` holds everything anyway.
   */
  readonly drained?: () => Promise<void>;
  /** True when stdout is a terminal (live views); false in pipes, CI and tests. */
  readonly isTTY: boolean;
  /** The terminal stdout is, when it is one: the live view fits itself to its size. */
  readonly terminal?: Terminal;
  /** Aborted on Ctrl-C; long-running commands stop cleanly when it fires. */
  readonly signal: AbortSignal;
  /**
   * Standard input, read to its end (`hyperp secrets set` takes a value only there or from a
   * file); `null` when it is a terminal, where typing would show the value. Absent: no input.
   */
  readonly stdin?: () => Promise<Uint8Array | null>;
}

/** A terminal window: its size (0 when the terminal does not say) and its resizes. */
export interface Terminal {
  readonly size: () => { readonly columns: number; readonly rows: number };
  /** Calls `f` after each resize (SIGWINCH); returns what stops it. */
  readonly onResize: (f: () => void) => () => void;
}

/**
 * Exit codes, in one place: 0 success, 1 the thing checked or run failed (an expected error, and
 * an unexpected one too), 2 usage error.
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake in how the command was called: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An expected failure (missing repo, unknown run…): printed as is, exit code 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/**
 * The directory the user ran `hyperp` from. `pnpm hyperp …` runs the script from the workspace
 * root but keeps the caller's directory in INIT_CWD.
 */
export const userCwd = (ctx: Pick<CliContext, 'cwd' | 'env'>): string => ctx.env.INIT_CWD ?? ctx.cwd;

/**
 * An error no command expected (a bug, or a system failure no message was written for): one line
 * with what it says, never a stack trace, unless HYPERP_DEBUG is set (then the stack follows).
 */
export const reportUnexpected = (ctx: Pick<CliContext, 'env' | 'err'>, e: unknown): number => {
  const message = e instanceof Error ? `${e.message}${(e as NodeJS.ErrnoException).code && !e.message.includes((e as NodeJS.ErrnoException).code!) ? ` (${(e as NodeJS.ErrnoException).code})` : ''}` : String(e);
  const firstLine = message.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  const debug = ctx.env.HYPERP_DEBUG !== undefined && ctx.env.HYPERP_DEBUG !== '' && ctx.env.HYPERP_DEBUG !== '0';
  ctx.err(`error: ${terminalSafe(firstLine)}${debug ? '' : ' (an unexpected error; HYPERP_DEBUG=1 shows where)'}\n`);
  if (debug && e instanceof Error && e.stack) ctx.err(`${e.stack}\n`);
  return ExitCode.failed;
};
