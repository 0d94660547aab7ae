// Runs `hyperp ARGS…` in its own process, as the executable does, and ends with one line on
// stderr: `{"code", "maxRssMiB"}` (its peak memory, from getrusage), for the memory tests.
import { runCli } from '../../src/program.js';
import { processContext } from '../../src/process-context.js';

const code = await runCli(process.argv.slice(2), processContext(new AbortController().signal, false));
process.stderr.write(`\n${JSON.stringify({ code, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
