// `hyperp run` in a real pseudo-terminal of a given size (util-linux `script`, the size set with
// `stty` inside it, and changed while it runs as a window's resize does): what it wrote is played
// into a terminal emulator (xterm.js, headless), whose screen and scrollback are then read as a
// person would see them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import xterm from '@xterm/headless';
import { makeRepo } from './repo.js';

const root = new URL('../../../../', import.meta.url).pathname;
const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

interface Size { readonly columns: number; readonly rows: number }
interface Resize { readonly to: Size; readonly when: string; readonly then: string }

/** Where a resize happened in what the terminal got: a window title only the resizer writes. */
const RESIZED = '\x1b]2;resized\x07';

/**
 * Runs `hyperp ARGS` on a terminal of `size`; everything it wrote there, as the terminal got it.
 * With `resize`, the window becomes `resize.to` once the shell command `resize.when` succeeds
 * (the kernel then sends hyperp SIGWINCH, as a terminal's resize does), and `resize.then` runs.
 */
const inPty = (args: readonly string[], size: Size, resize?: Resize): Promise<{ code: number | null; raw: string }> => {
  const hyperp = [process.execPath, '--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts', ...args].map(sh).join(' ');
  // As a terminal emulator does: it lays out its screen anew (here: the mark in the output),
  // then sets the window's size, and the kernel sends SIGWINCH; one process does both at once.
  const resizer = resize === undefined ? '' : `(until ${resize.when}; do sleep 0.1; done; python3 -c ${sh([
    'import fcntl, os, struct, termios',
    "tty = os.open('/dev/tty', os.O_RDWR)",
    `os.write(tty, b'\\x1b]2;resized\\x07')`,
    `fcntl.ioctl(tty, termios.TIOCSWINSZ, struct.pack('HHHH', ${resize.to.rows}, ${resize.to.columns}, 0, 0))`,
  ].join('\n'))}; ${resize.then}) & `;
  const child = spawn('script', ['-q', '-e', '-c', `stty rows ${size.rows} cols ${size.columns}; ${resizer}exec ${hyperp}`, '/dev/null'], {
    cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, INIT_CWD: '', TERM: 'xterm-256color' },
  });
  let raw = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (raw += d));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, raw })));
};

interface Row { readonly text: string; readonly wrapped: boolean }

/**
 * `raw` played into a terminal of `size` (resized to `later` where the resize mark is, as the
 * window was): every row of its scrollback and screen, and the screen's.
 */
const play = async (raw: string, size: Size, later: Size = size): Promise<{ all: Row[]; screen: Row[] }> => {
  const term = new xterm.Terminal({ cols: size.columns, rows: size.rows, scrollback: 5000, allowProposedApi: true });
  const at = raw.indexOf(RESIZED);
  await new Promise<void>((r) => term.write(at < 0 ? raw : raw.slice(0, at), r));
  if (at >= 0) {
    term.resize(later.columns, later.rows);
    await new Promise<void>((r) => term.write(raw.slice(at), r));
  }
  const b = term.buffer.active;
  const all: Row[] = [];
  for (let i = 0; i < b.length; i++) {
    const line = b.getLine(i)!;
    all.push({ text: line.translateToString(true), wrapped: line.isWrapped });
  }
  term.dispose();
  return { all, screen: all.slice(b.baseY, b.baseY + later.rows) };
};

/**
 * Runs the repository at `size` and reads the terminal twice: as the live view left it (just
 * before the final report) and at the end. Checks what holds at any size: one status line in
 * the whole scrollback, no row wrapped, the block on the screen.
 */
const watch = async (repo: string, size: Size, resize?: Resize) => {
  const { code, raw } = await inPty(['run', '--repo', repo, '--engine', 'process'], size, resize);
  const runId = raw.match(/run (\S+): test at /)?.[1];
  assert.ok(runId, raw);
  const report = raw.indexOf(`run ${runId}  test  `);
  assert.ok(report > 0, raw);
  if (resize !== undefined) assert.ok(raw.indexOf(RESIZED) > 0 && raw.indexOf(RESIZED) < report, 'the window was not resized while the run went');
  const live = await play(raw.slice(0, report), size, resize?.to);
  const end = await play(raw, size, resize?.to);
  size = resize?.to ?? size;
  const header = new RegExp(`^test {2}${runId} {2}`);
  const headers = end.all.filter((r) => header.test(r.text));
  assert.equal(headers.map((r) => r.text.replace(/\$\S+/, '$')), [`test  ${runId}  ${code === 0 ? 'SUCCEEDED' : 'FAILED'}  $`], end.all.map((r) => r.text).join('\n'));
  const top = live.screen.findIndex((r) => header.test(r.text));
  assert.ok(top >= 0, `the status line is not on the screen:\n${live.screen.map((r) => r.text).join('\n')}`);
  // Notes above the block may wrap; no row of the block does.
  assert.equal(live.screen.slice(top).filter((r) => r.wrapped), [], 'a row of the live view wrapped');
  const block = live.screen.slice(top + 1).map((r) => r.text).filter((t) => t !== '');
  assert.ok(top + 1 + block.length < size.rows, 'the block fills the whole screen');
  return { code, block };
};

test('80×24: jobs with long names redraw in place, each cut to the width with its status, duration and cost kept', async () => {
  const long = (i: number) => `normalise the quarterly sales figures of every region for the board's dashboard, part ${i}`;
  const repo = makeRepo([1, 2, 3].map((i) => ({ name: long(i), script: 'import time\ntime.sleep(0.4)\n' })));
  const { code, block } = await watch(repo, { columns: 80, rows: 24 });
  assert.is(code, 0);
  assert.is(block.length, 3);
  for (const [i, line] of block.entries()) {
    assert.match(line, /^ {2}SUCCEEDED normalise the .*….*part [1-3] {2}tasks 1\/1 done {2}\d+\.\ds {2}\$0\.\d{4}$/);
    assert.ok(line.length <= 79 && line.endsWith(line.match(/\$0\.\d{4}$/)![0]), line);
    assert.ok(line.includes(`part ${i + 1}`), line);
  }
});

test('100×20: thirty jobs show as a summary under the status line, the failed job first', async () => {
  const repo = makeRepo(Array.from({ length: 30 }, (_, i) => ({
    name: `step-${String(i + 1).padStart(2, '0')}`,
    script: i === 24 ? 'import sys\nsys.exit(3)\n' : 'print("ok")\n',
  })));
  const { code, block } = await watch(repo, { columns: 100, rows: 20 });
  assert.is(code, 1);
  assert.is(block.length, 18);
  assert.match(block[0]!, /^ {2}FAILED {4}step-25 {2}tasks 0\/1 done, 1 failed {2}\d+\.\ds {2}\$0\.\d{4}$/);
  assert.equal(block.slice(1, -1).map((l) => l.slice(0, 19)), Array.from({ length: 16 }, (_, i) => `  SUCCEEDED step-${String(i + 1).padStart(2, '0')}`));
  assert.is(block.at(-1), '  … 13 more: 13 SUCCEEDED');
});

test('80×24 narrowed to 50×20 while the run goes: the block is redrawn in place at the new width', async () => {
  // The job runs until the window has been resized: it says it started, then waits for word.
  const repo = makeRepo([{
    name: 'normalise the quarterly sales figures of every region for the dashboard',
    script: 'import os, time\nopen("/output/started", "w").close()\nfor _ in range(600):\n    if os.path.exists("/output/resized"): break\n    time.sleep(0.05)\n',
  }]);
  const started = `find ${repo}/.hyperp/artifacts -name started`;
  const { code, block } = await watch(repo, { columns: 80, rows: 24 }, {
    to: { columns: 50, rows: 20 }, when: `[ -n "$(${started} 2>/dev/null)" ]`, then: `touch "$(dirname "$(${started})")/resized"`,
  });
  assert.is(code, 0);
  assert.equal(block.length, 1);
  // the name shortened as far as it goes, then the row cut at 49 columns
  assert.match(block[0]!, /^ {2}SUCCEEDED normal…board {2}tasks 1\/1 done {2}\d+\.\ds {2}…$/);
});

test.run();
