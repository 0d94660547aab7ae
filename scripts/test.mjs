#!/usr/bin/env node
// Runs every package's uvu test files, each in its own Node process (Pulumi mocks, servers and
// other process-wide state stay isolated), a few at a time, and ends with one summary line:
// `N passed, N failed[, N skipped]`. Arguments filter test files by substring.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const FILE_TIMEOUT_MS = Number(process.env.HYPERP_TEST_TIMEOUT_MS ?? 300_000);
const parallel = Number(process.env.HYPERP_TEST_PARALLEL ?? Math.max(2, cpus().length));

// Files start longest first (seconds from a recorded run, `scripts/test-durations.json`; a file
// not listed counts as 5 s), so the slowest ones do not start last and hold the end of the run
// while the other workers idle. `HYPERP_TEST_RECORD=1 pnpm test` writes the file anew.
const durationsFile = join(root, 'scripts/test-durations.json');
const recorded = existsSync(durationsFile) ? JSON.parse(readFileSync(durationsFile, 'utf8')) : {};
const weight = (f) => recorded[f] ?? 5;

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.test.ts') ? [path] : [];
  });

const packagesDir = join(root, 'packages');
const files = readdirSync(packagesDir)
  .flatMap((pkg) => {
    const testDir = join(packagesDir, pkg, 'test');
    try { return walk(testDir); } catch { return []; }
  })
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .sort((a, b) => weight(b) - weight(a));

const count = (out, label) => {
  const m = out.match(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm'));
  return m ? Number(m[1]) : undefined;
};

const runFile = (file) =>
  new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      out += `\n[test runner] ${file} exceeded ${FILE_TIMEOUT_MS} ms and was killed\n`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const total = count(out, 'Total');
      const passed = count(out, 'Passed') ?? 0;
      const skipped = count(out, 'Skipped') ?? 0;
      // uvu counts skipped tests apart from Total: Total = passed + failed.
      let failed = total === undefined ? 1 : total - passed;
      if (code !== 0 && failed === 0) failed = 1; // crashed after its summary, or exited non-zero
      if (total === 0 && code === 0) failed = 1; // a test file that runs no test is a failure
      resolve({ file, passed, failed, skipped, out, ms: Date.now() - started });
    });
  });

const results = [];
let next = 0;
const worker = async () => {
  while (next < files.length) {
    const file = files[next++];
    const r = await runFile(file);
    results.push(r);
    const mark = r.failed > 0 ? '✘' : '✔';
    console.log(`${mark} ${r.file}  ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}  (${(r.ms / 1000).toFixed(1)} s)`);
    if (r.failed > 0) console.log(r.out.replace(/^/gm, '    '));
    // A test's own figures ("figures:") and what it could not check here ("skipped:") are shown even when it passes.
    else for (const line of r.out.split('\n')) if (/^(?:[•✘ ]*)(?:figures|skipped): /.test(line)) console.log(`    ${line.replace(/^[•✘ ]*/, '')}`);
  }
};
await Promise.all(Array.from({ length: Math.min(parallel, files.length) }, worker));

if (process.env.HYPERP_TEST_RECORD === '1' && filters.length === 0) {
  const seconds = Object.fromEntries(results.map((r) => [r.file, Math.round(r.ms / 100) / 10]).sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(durationsFile, `${JSON.stringify(seconds, null, 1)}\n`);
}

const sum = (k) => results.reduce((a, r) => a + r[k], 0);
const [passed, failed, skipped] = [sum('passed'), sum('failed'), sum('skipped')];
if (files.length === 0) console.log('no test files matched');
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
