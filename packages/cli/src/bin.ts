#!/usr/bin/env node
import { runCli } from './program.js';
import { processContext } from './process-context.js';
import { reportUnexpected } from './context.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
// A reader that stops early (`hyperp runs list | head`) is not an error: stop writing quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
// Whatever escapes a command (a stray promise, an error thrown in a callback) ends hyperp with
// one line and exit 1, as every other unexpected error does, not with Node's stack trace.
const fatal = (e: unknown): void => {
  process.exitCode = reportUnexpected({ env: process.env, err: (s) => void process.stderr.write(s) }, e);
  process.exit();
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
const code = await runCli(process.argv.slice(2), processContext(controller.signal));
process.exitCode = code;
