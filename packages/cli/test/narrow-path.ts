// hyperp as its own process with some programs hidden from its PATH, as on a host without them.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../src/bin.ts', import.meta.url).pathname;

/** This PATH's programs but `hidden`, as links in one folder (removed when the test's process ends). */
export const pathWithout = (hidden: readonly string[]): string => {
  const shadow = mkdtempSync(join(tmpdir(), 'hyperp-path-'));
  process.once('exit', () => rmSync(shadow, { recursive: true, force: true }));
  for (const dir of (process.env['PATH'] ?? '').split(':').filter((d) => d !== '' && existsSync(d))) {
    for (const e of readdirSync(dir)) if (!hidden.includes(e) && !existsSync(join(shadow, e))) symlinkSync(join(dir, e), join(shadow, e));
  }
  return shadow;
};

/** The `hyperp` executable run with `path` as its PATH. */
export const hyperpWithPath = (args: readonly string[], path: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', bin, ...args], { env: { ...process.env, PATH: path }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
