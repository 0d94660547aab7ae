// Runs `hyperp` in-process with captured output, as a user would from `cwd`.
import { runCli } from '../src/program.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const hyperp = async (
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; signal?: AbortSignal } = {},
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
  });
  return { code, stdout, stderr };
};
