// packages/core/examples/restartable.ts, killed (SIGKILL) three times at different points of its
// run and started again each time, ends exactly as a run that was never interrupted: the same
// final state apart from times, and no task started twice.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunState } from '../src/run/state.js';
import { runRestartable } from '../examples/restartable.js';

const root = new URL('../../..', import.meta.url).pathname;
const dirs: string[] = [];
const folder = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hyperp-restartable-'));
  dirs.push(d);
  return d;
};

const start = (dir: string): ChildProcess =>
  spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/core/examples/restartable.ts', dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });

/** The process's end; one still running after a minute (a run that cannot end) is killed and says so. */
const ended = (p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> =>
  new Promise((resolve) => {
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (out += d));
    const stuck = setTimeout(() => {
      out += '\n(still running after 60 s: killed)';
      p.kill('SIGKILL');
    }, 60_000);
    p.on('exit', (code, signal) => {
      clearTimeout(stuck);
      resolve({ code, signal, out });
    });
  });

const saved = (dir: string): { state: RunState } | undefined => {
  try {
    return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { state: RunState };
  } catch {
    return undefined; // not written yet
  }
};
const launches = (dir: string): string[] =>
  existsSync(join(dir, 'launches.log')) ? readFileSync(join(dir, 'launches.log'), 'utf8').split('\n').filter((l) => l !== '') : [];

/** Starts the example and kills it once `when` holds for its folder; says whether it was killed. */
const runUntil = async (dir: string, when: (dir: string) => boolean): Promise<boolean> => {
  const p = start(dir);
  const exit = ended(p);
  let done = false;
  void exit.then(() => (done = true));
  while (!done && !when(dir)) await new Promise((r) => setTimeout(r, 10));
  if (!done) p.kill('SIGKILL');
  const r = await exit;
  return r.signal === 'SIGKILL';
};

/** The state without its times (and the hashes of events, which hold times). */
const timeless = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(timeless);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => !/(^at|^now|At|Tat|^seen)$/.test(k))
      .map(([k, x]) => [k, timeless(x)]),
  );
};

test('killed three times mid-run and restarted, the run ends as an uninterrupted one, no task started twice', async () => {
  // The uninterrupted run, in this process.
  const plain = folder();
  const expected = await runRestartable(plain);
  assert.is(expected.status, 'SUCCEEDED');

  const dir = folder();
  const status = (d: string) => saved(d)?.state.status;
  const kills = [
    await runUntil(dir, (d) => status(d) === 'BUILDING'),
    await runUntil(dir, (d) => launches(d).length >= 3 && status(d) === 'RUNNING'),
    await runUntil(dir, (d) => launches(d).length >= 4),
  ];
  assert.equal(kills, [true, true, true], 'each start was killed mid-run');
  const last = await ended(start(dir));
  assert.is(last.code, 0, last.out);
  assert.is(last.out.trim(), 'run example-1 SUCCEEDED');

  const state = saved(dir)!.state;
  assert.equal(timeless(state), timeless(expected));
  // One build and three tasks (greet ×2, shout), each started once by the cluster.
  assert.is(launches(dir).length, 4);
  assert.equal([...launches(dir)].sort(), [...new Set(launches(dir))].sort());
  assert.equal([...launches(dir)].sort(), [...launches(plain)].sort());
});

test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
test.run();
