/** The context of a `hyperp` process: its own stdio, environment and working directory. */
import { once } from 'node:events';
import type { CliContext, Terminal } from './context.js';

// Node turns SIGWINCH into 'resize' on a stdout that is a terminal.
const stdoutTerminal: Terminal = {
  size: () => ({ columns: process.stdout.columns ?? 0, rows: process.stdout.rows ?? 0 }),
  onResize: (f) => {
    process.stdout.on('resize', f);
    return () => void process.stdout.off('resize', f);
  },
};

export const processContext = (signal: AbortSignal, isTTY = Boolean(process.stdout.isTTY)): CliContext => ({
  cwd: process.cwd(),
  env: process.env,
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  // stdout to a pipe buffers whatever is written: long outputs wait for the reader.
  drained: () => (process.stdout.writableNeedDrain ? once(process.stdout, 'drain').then(() => undefined) : Promise.resolve()),
  isTTY,
  ...(isTTY ? { terminal: stdoutTerminal } : {}),
  signal,
  stdin: async () => {
    if (process.stdin.isTTY) return null;
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  },
});
