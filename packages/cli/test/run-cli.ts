// Runs `hyperp` in-process with captured output, as a user would from `cwd`.
import { runCli } from '../src/program.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const hyperp = async (
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; signal?: AbortSignal; /** `null`: standard input is a terminal. */ stdin?: string | null } = {},
): Promise<CliResult> => {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
    out: (s) => (stdout += s),
    err: (s) => (stderr += s),
    isTTY: false,
    signal: opts.signal ?? new AbortController().signal,
    ...(opts.stdin !== undefined ? { stdin: async () => (opts.stdin === null ? null : new TextEncoder().encode(opts.stdin)) } : {}),
  });
  return { code, stdout, stderr };
};
