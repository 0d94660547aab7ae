#!/usr/bin/env node
import { runCli } from './program.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
// A reader that stops early (`hyperp runs list | head`) is not an error: stop writing quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
  signal: controller.signal,
});
process.exitCode = code;
