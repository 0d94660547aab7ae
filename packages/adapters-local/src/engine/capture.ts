/** Running a docker or podman command to its end, for what it printed. */
import { spawn } from 'node:child_process';

export interface Captured {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cli args` to its end and gives what it printed (a failure to spawn is code null). */
export const capture = (cli: string, args: readonly string[]): Promise<Captured> =>
  new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(cli, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (e) => resolve({ code: null, stdout, stderr: e.message }));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });

/** The last line a failed command printed, for a reason. */
export const lastLine = (r: Captured): string => r.stderr.trim().split('\n').filter((l) => l.trim() !== '').pop() ?? `exit code ${r.code}`;
