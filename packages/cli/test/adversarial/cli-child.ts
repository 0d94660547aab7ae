// Runs `hyperp ARGS…` in its own process, as the executable does, and ends with one line on
// stderr: `{"code", "maxRssMiB"}` (its peak memory, from getrusage), for the memory tests.
import { once } from 'node:events';
import { runCli } from '../../src/program.js';

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  drained: () => (process.stdout.writableNeedDrain ? once(process.stdout, 'drain').then(() => undefined) : Promise.resolve()),
  isTTY: false,
  signal: new AbortController().signal,
});
process.stderr.write(`\n${JSON.stringify({ code, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
