// `pnpm bench outputs`: what zipping a job's output costs — peak memory (getrusage, in a process
// of its own), throughput, and the longest the event loop waited while zipping — for sparse files
// of 500 MB and 3 GiB (read whole, nothing on disk) against a 1-byte baseline. Figures only.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { zipDirectory } from '../src/artifacts/zip.js';

if (process.argv[2] === 'child') {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  const r = await zipDirectory(process.argv[3]!, process.argv[4]!);
  const ms = performance.now() - t0;
  loop.disable();
  process.stdout.write(JSON.stringify({ bytes: r.bytes, ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, maxLoopDelayMs: loop.max / 1e6 }) + '\n');
  process.exit(0);
}

const root = mkdtempSync(join(tmpdir(), 'hyperp-bench-zip-'));
const rows: { what: string; figure: string; value: number; unit: string }[] = [];
const record = (what: string, figure: string, value: number, unit: string) => rows.push({ what, figure, value: Math.round(value * 100) / 100, unit });

const zipOf = (name: string, size: string | null) => {
  const dir = join(root, name);
  mkdirSync(dir);
  if (size === null) writeFileSync(join(dir, 'a.txt'), 'a');
  else execFileSync('truncate', ['-s', size, join(dir, 'data.bin')]);
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', new URL(import.meta.url).pathname, 'child', dir, join(root, `${name}.zip`)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { bytes: number; ms: number; maxRssMiB: number; maxLoopDelayMs: number };
};

try {
  const base = zipOf('tiny', null);
  record('zip', 'peak RSS, 1-byte output', base.maxRssMiB, 'MiB');
  for (const [name, size, bytes] of [['500 MB', '500M', 500 * 2 ** 20], ['3 GiB', '3G', 3 * 2 ** 30]] as const) {
    const r = zipOf(name.replace(' ', ''), size);
    record('zip', `peak RSS, ${name} output`, r.maxRssMiB, 'MiB');
    record('zip', `throughput, ${name} of zeros (deflate + CRC)`, bytes / 2 ** 20 / (r.ms / 1000), 'MiB/s');
    record('zip', `longest event-loop wait while zipping ${name}`, r.maxLoopDelayMs, 'ms');
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

console.log(JSON.stringify({ benchmark: 'adapters-local outputs', results: rows }, null, 2));
console.table(rows);
