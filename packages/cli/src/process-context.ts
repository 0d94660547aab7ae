/** The context of a `hyperp` process: its own stdio, environment and working directory. */
import { once } from 'node:events';
import type { CliContext } from './context.js';

export const processContext = (signal: AbortSignal, isTTY = Boolean(process.stdout.isTTY)): CliContext => ({
  cwd: process.cwd(),
  env: process.env,
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  // stdout to a pipe buffers whatever is written: long outputs wait for the reader.
  drained: () => (process.stdout.writableNeedDrain ? once(process.stdout, 'drain').then(() => undefined) : Promise.resolve()),
  isTTY,
  signal,
});
