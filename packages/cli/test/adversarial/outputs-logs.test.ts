// `hyperp logs` of a log of any size: streamed a chunk at a time, in bounded memory, never as
// one string (a 600 MB log used to end in "Cannot create a string longer than …").
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { hyperp } from '../run-cli.js';
import { makeRepo } from '../local/repo.js';

const t = suite('hyperp logs');
const ctx = { repo: '', runId: '', logFile: '' };

t.before(async () => {
  ctx.repo = makeRepo([{ name: 'talk', script: 'print("hello")\n' }]);
  const r = await hyperp(['run', '--repo', ctx.repo, '--engine', 'process', '--json']);
  assert.is(r.code, 0, r.stderr);
  const run = (JSON.parse(r.stdout) as { runs: { runId: string; jobs: { tasks: { logFile: string }[] }[] }[] }).runs[0]!;
  ctx.runId = run.runId;
  ctx.logFile = run.jobs[0]!.tasks[0]!.logFile;
});

/** `hyperp logs` in its own process: the bytes it printed, its exit code and its peak memory. */
const logsInChild = (): Promise<{ bytes: number; code: number; maxRssMiB: number }> => new Promise((resolve, reject) => {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', new URL('./cli-child.ts', import.meta.url).pathname, 'logs', ctx.runId, 'talk', '--repo', ctx.repo], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let bytes = 0;
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (bytes += d.length));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  child.on('error', reject);
  child.on('close', () => {
    const last = stderr.trim().split('\n').pop() ?? '';
    try {
      resolve({ bytes, ...(JSON.parse(last) as { code: number; maxRssMiB: number }) });
    } catch {
      reject(new Error(`hyperp logs crashed: ${stderr.slice(-2000)}`));
    }
  });
});

t('a character cut by a chunk\'s end is printed whole', async () => {
  const text = `${'a'.repeat((1 << 20) - 2)}😀é€ end\n`;
  writeFileSync(ctx.logFile, text);
  const r = await hyperp(['logs', ctx.runId, 'talk', '--repo', ctx.repo]);
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.stdout === text, `printed ${r.stdout.length} characters, ending "${r.stdout.slice(-12)}"`);
});

t('a 600 MB log prints whole, in bounded memory', async () => {
  writeFileSync(ctx.logFile, 'hello\n');
  const base = await logsInChild();
  // Sparse: 600 MB to print, nothing on disk.
  execFileSync('truncate', ['-s', '600M', ctx.logFile]);
  const big = await logsInChild();
  console.log(`hyperp logs of 600 MB: peak RSS ${big.maxRssMiB.toFixed(0)} MiB (of a 6-byte log: ${base.maxRssMiB.toFixed(0)} MiB)`);
  assert.is(big.code, 0);
  assert.is(big.bytes, statSync(ctx.logFile).size);
  assert.ok(big.maxRssMiB - base.maxRssMiB < 100, `printing 600 MB took ${(big.maxRssMiB - base.maxRssMiB).toFixed(0)} MiB more than 6 bytes`);
  assert.ok(readFileSync(ctx.logFile).subarray(0, 6).toString() === 'hello\n');
});

t.run();
