// A job's /output is hostile: zipping it must never follow a link on the host, never open a
// FIFO or a device, store only names every extractor reads as plain relative paths, and stay
// within bounded memory whatever the sizes (zip64 past 4 GiB).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { zipDirectory } from '../../src/artifacts/zip.js';
import { tempDir } from '../temp.js';
import { readZip } from './zip-read.js';

const SECRET = 'host-secret-4f1c9a';

test('symbolic links are skipped with a note: no host file, no /proc/self/environ, no loop reaches the zip', async () => {
  process.env.HYPERP_TEST_CANARY = SECRET; // what /proc/self/environ would leak
  const root = tempDir('hyperp-zip-links-');
  const host = join(root, 'host');
  mkdirSync(join(host, 'dir'), { recursive: true });
  writeFileSync(join(host, 'secret.txt'), SECRET);
  writeFileSync(join(host, 'dir', 'inner.txt'), SECRET);
  const out = join(root, 'out');
  mkdirSync(join(out, 'sub'), { recursive: true });
  writeFileSync(join(out, 'result.txt'), 'ok');
  symlinkSync('/proc/self/environ', join(out, 'env'));
  symlinkSync(join(host, 'secret.txt'), join(out, 'secret'));
  symlinkSync(join(host, 'dir'), join(out, 'sub', 'dir'));
  symlinkSync('loop-b', join(out, 'loop-a'));
  symlinkSync('loop-a', join(out, 'loop-b'));
  symlinkSync('result.txt', join(out, 'inside')); // even a link inside the folder: never followed
  const zipFile = join(root, 'z', 'artifacts.zip');
  const r = await zipDirectory(out, zipFile);
  const raw = readFileSync(zipFile);
  assert.not.ok(raw.includes(SECRET), 'no host bytes in the zip');
  const { entries, comment } = await readZip(zipFile);
  assert.equal(entries.map((e) => e.name), ['result.txt']);
  assert.is(r.entries, 1);
  for (const name of ['env', 'secret', 'sub/dir', 'loop-a', 'loop-b', 'inside']) {
    assert.ok(r.notes.some((n) => n.startsWith(`skipped "${name}": a symbolic link`)), `a note for ${name}: ${r.notes.join('; ')}`);
  }
  assert.ok(comment.includes('skipped "env": a symbolic link (to "/proc/self/environ")'), comment);
  assert.equal(readdirSync(join(root, 'z')), ['artifacts.zip']);
});

test('FIFOs, sockets and device nodes are skipped, never opened (a FIFO would block for ever)', async () => {
  const root = tempDir('hyperp-zip-special-');
  const out = join(root, 'out');
  mkdirSync(out);
  writeFileSync(join(out, 'a.txt'), 'A');
  execFileSync('mkfifo', [join(out, 'fifo')]);
  const server = createServer();
  await new Promise<void>((res) => server.listen(join(out, 'sock'), res));
  // A device node needs root (CI runs as root); elsewhere the test goes on without one.
  const dev = spawnSync('mknod', [join(out, 'null-dev'), 'c', '1', '3']).status === 0;
  try {
    const r = await zipDirectory(out, join(root, 'a.zip'));
    const { entries } = await readZip(join(root, 'a.zip'));
    assert.equal(entries.map((e) => e.name), ['a.txt']);
    assert.ok(r.notes.includes('skipped "fifo": a FIFO'), r.notes.join('; '));
    assert.ok(r.notes.includes('skipped "sock": a socket'), r.notes.join('; '));
    if (dev) assert.ok(r.notes.includes('skipped "null-dev": a character device'), r.notes.join('; '));
  } finally {
    server.close();
  }
});

test('entry names: \\, drive letters, control and bidi characters are replaced and noted; names stay unique', async () => {
  const root = tempDir('hyperp-zip-names-');
  const out = join(root, 'out');
  mkdirSync(join(out, 'C:'), { recursive: true });
  writeFileSync(join(out, '..\\..\\evil.txt'), 'slip');
  writeFileSync(join(out, 'C:', 'boot.ini'), 'drive');
  writeFileSync(join(out, 'bell\u0007\u001b[31mred'), 'ctl');
  writeFileSync(join(out, 'gpj.\u202eexe'), 'bidi');
  writeFileSync(join(out, 'a\\b'), 'first');
  writeFileSync(join(out, 'a_b'), 'second');
  // A name that is not UTF-8 is still read (by its bytes), under a readable name.
  writeFileSync(Buffer.from(join(out, 'latin1-\xe9.txt'), 'latin1'), 'bytes');
  const r = await zipDirectory(out, join(root, 'n.zip'));
  const { entries } = await readZip(join(root, 'n.zip'));
  const names = entries.map((e) => e.name);
  for (const n of names) {
    assert.not.match(n, /[\\:\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, n);
    assert.not.ok(n.startsWith('/') || n.split('/').includes('..'), n);
  }
  assert.equal(new Set(names).size, names.length);
  const byName = Object.fromEntries(entries.map((e) => [e.name, e.content?.toString()]));
  assert.is(byName['.._.._evil.txt'], 'slip');
  assert.is(byName['C_/boot.ini'], 'drive');
  assert.is(byName['bell__[31mred'], 'ctl');
  assert.is(byName['gpj._exe'], 'bidi');
  assert.equal([byName['a_b'], byName['a_b~2']].sort(), ['first', 'second']);
  assert.ok(names.some((n) => n.startsWith('latin1-') && byName[n] === 'bytes'), names.join(', '));
  assert.ok(r.notes.includes('"..\\..\\evil.txt" stored as ".._.._evil.txt"'), r.notes.join('; '));
  assert.ok(r.notes.some((n) => n.startsWith('"bell\\x07\\x1b[31mred" stored as')), r.notes.join('; '));
  // The system's unzip agrees: it lists every entry and extracts nothing outside.
  const ex = join(root, 'x');
  mkdirSync(ex);
  execFileSync('unzip', ['-q', join(root, 'n.zip'), '-d', ex]);
  assert.ok(existsSync(join(ex, '.._.._evil.txt')));
});

test('regular files keep their content and permission bits; empty folders are kept; set-id bits are not', async () => {
  const root = tempDir('hyperp-zip-modes-');
  const out = join(root, 'out');
  mkdirSync(join(out, 'empty'), { recursive: true });
  mkdirSync(join(out, 'full'));
  writeFileSync(join(out, 'full', 'run.sh'), '#!/bin/sh\n', { mode: 0o4755 });
  writeFileSync(join(out, 'zero'), '');
  await zipDirectory(out, join(root, 'm.zip'));
  const { entries } = await readZip(join(root, 'm.zip'));
  const by = Object.fromEntries(entries.map((e) => [e.name, e]));
  assert.equal(Object.keys(by).sort(), ['empty/', 'full/run.sh', 'zero']);
  assert.is(by['full/run.sh']!.mode, 0o100755);
  assert.is(by['full/run.sh']!.content!.toString(), '#!/bin/sh\n');
  assert.is(by['zero']!.size, 0);
});

test('zipping yields to the event loop while it works, and a cancel stops it and leaves nothing', async () => {
  const root = tempDir('hyperp-zip-yield-');
  const out = join(root, 'out');
  mkdirSync(out);
  execFileSync('truncate', ['-s', '64M', join(out, 'big.bin')]);
  let turns = 0;
  let done = false;
  const spin = (): void => {
    if (done) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const r = await zipDirectory(out, join(root, 'y.zip'));
  done = true;
  assert.ok(r.bytes > 0);
  // A synchronous zip would let the loop turn once at most before it returned.
  assert.ok(turns > 20, `the event loop turned ${turns} times while zipping 64 MB`);

  const stop = new AbortController();
  const p = zipDirectory(out, join(root, 'c', 'cancelled.zip'), { signal: stop.signal });
  setImmediate(() => stop.abort(new Error('the run is going away')));
  await p.then(() => assert.unreachable('a cancelled zip must not resolve'), (e: Error) => assert.is(e.message, 'the run is going away'));
  assert.equal(existsSync(join(root, 'c')) ? readdirSync(join(root, 'c')) : [], []);
});

const zipInChild = (dir: string, zipFile: string): { bytes: number; entries: number; notes: string[]; maxRssMiB: number } => {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', new URL('./zip-child.ts', import.meta.url).pathname, dir, zipFile], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the zipping process failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as never;
};

test('a file over 2 GiB zips in bounded memory and reads back with its size', async () => {
  const root = tempDir('hyperp-zip-big-');
  const small = join(root, 'small');
  mkdirSync(small);
  writeFileSync(join(small, 'a.txt'), 'a');
  const big = join(root, 'big');
  mkdirSync(big);
  // Sparse: past Node's 2 GiB buffer limit to read, nothing on disk. (`pnpm bench` zips 3 GiB.)
  execFileSync('truncate', ['-s', '2200M', join(big, 'huge.bin')]);
  writeFileSync(join(big, 'after.txt'), 'after');
  const base = zipInChild(small, join(root, 'small.zip'));
  const r = zipInChild(big, join(root, 'big.zip'));
  const grew = r.maxRssMiB - base.maxRssMiB;
  console.log(`zip of a 2200 MiB file: peak RSS ${r.maxRssMiB.toFixed(0)} MiB (a 1-byte zip: ${base.maxRssMiB.toFixed(0)} MiB), zip ${r.bytes} bytes`);
  assert.ok(grew < 100, `zipping 2200 MiB took ${grew.toFixed(0)} MiB more than zipping 1 byte`);
  const { entries } = await readZip(join(root, 'big.zip'), 16);
  assert.is(entries.find((e) => e.name === 'huge.bin')!.size, 2200 * 1024 ** 2);
  assert.is(entries.find((e) => e.name === 'after.txt')!.content!.toString(), 'after');
});

test.run();
