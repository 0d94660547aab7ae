// The live view on a terminal whose window is resized while runs go: its output is played into a
// terminal emulator (xterm.js, headless) resized at the same moments, and the screen is read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import xterm from '@xterm/headless';
import { initialState, reduce, vecToArray, type RunState } from '@hyperp/core';
import { simulate, syntheticRunRequested } from '@hyperp/core/sim';
import type { CliContext } from '../../src/context.js';
import { progressView } from '../../src/local/progress.js';

/** A run of three jobs with long names, as it is once every job runs. */
const running = (): RunState => {
  const jobs = [1, 2, 3].map((i) => ({ name: `normalise the quarterly sales figures of every region, part ${i}`, imageAction: 'reuse' as const }));
  const request = syntheticRunRequested({ name: 'demo', jobs }, { runId: 'r1', at: Date.UTC(2026, 10, 22) });
  const sim = simulate({ seed: 1, request, model: { startLatencyMs: 1000, buildMs: () => 1000, task: () => ({ durationMs: 9000, exitCode: 0 }) }, recordHistory: true });
  let s = initialState();
  for (const e of sim.history) {
    s = reduce(s, e)[0];
    if (s.jobs.size === 3 && vecToArray(s.jobs).every((j) => j.taskCounts.RUNNING === 1)) return s;
  }
  throw new Error('the simulated run never had its three jobs running');
};

test('a resized window gets the block redrawn in place at its new size; one too small gets plain lines', async () => {
  let size = { columns: 80, rows: 24 };
  let resized = () => undefined as void;
  const term = new xterm.Terminal({ cols: 80, rows: 24, scrollback: 1000, allowProposedApi: true, convertEol: true }); // as a pty's ONLCR does
  let played = Promise.resolve();
  let err = '';
  const ctx: CliContext = {
    cwd: '/', env: {}, isTTY: true, signal: new AbortController().signal,
    out: (s) => void (played = played.then(() => new Promise<void>((r) => term.write(s, r)))),
    err: (s) => void (err += s),
    terminal: { size: () => size, onResize: (f) => ((resized = f), () => undefined) },
  };
  const resize = async (columns: number, rows: number) => {
    await played;
    size = { columns, rows };
    term.resize(columns, rows);
    resized();
    await played;
  };
  const rows = () => {
    const b = term.buffer.active;
    return Array.from({ length: b.length }, (_, i) => ({ text: b.getLine(i)!.translateToString(true), wrapped: b.getLine(i)!.isWrapped }));
  };
  const view = progressView(ctx, false);
  // its redraw timer would keep a failed test's process alive
  const timer = setTimeout(() => view.close(), 20_000).unref();
  view.update('r1', running(), []);
  await resize(80, 24);
  view.note('note: something happened');
  await resize(44, 24);
  await resize(30, 12);
  const shown = rows();
  assert.equal(shown.filter((r) => r.text.startsWith('demo  r1')).length, 1, shown.map((r) => r.text).join('\n'));
  const top = shown.findIndex((r) => r.text.startsWith('demo  r1'));
  assert.equal(shown.slice(top).filter((r) => r.wrapped), []);
  assert.equal(shown.slice(top + 1, top + 4).map((r) => r.text.slice(0, 14)), ['  RUNNING   no', '  RUNNING   no', '  RUNNING   no']);
  assert.ok(shown.some((r) => r.text === 'note: something happened'));
  // narrower than 20 columns: the block is erased and each change is a plain line from then on
  await resize(16, 12);
  view.close();
  await played;
  assert.equal(rows().filter((r) => r.text.startsWith('demo')), []);
  assert.match(err, /^\d\d:\d\d:\d\d {3}job "normalise the quarterly sales figures of every region, part 1": RUNNING$/m);
  assert.match(err, /^\d\d:\d\d:\d\d run r1 \(demo\): RUNNING$/m);
  clearTimeout(timer);
  term.dispose();
});

test.run();
