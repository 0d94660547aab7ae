// `hyperp artifacts download -o PATH`: PATH is written through a temporary file beside it and a
// rename, never deleted or replaced when it is not a regular file, and every refusal is one line.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hyperp } from '../run-cli.js';
import { makeRepo } from '../local/repo.js';

const script = `
with open('/output/result.txt', 'w') as f:
    f.write('42')
`;

const t = suite('artifacts download -o');
const ctx = { repo: '', runId: '' };

t.before(async () => {
  ctx.repo = makeRepo([
    { name: 'zipped', script, downloadable: true },
    { name: 'plain', script },
  ]);
  const r = await hyperp(['run', '--repo', ctx.repo, '--engine', 'process', '--json']);
  assert.is(r.code, 0, r.stderr);
  ctx.runId = (JSON.parse(r.stdout) as { runs: { runId: string }[] }).runs[0]!.runId;
});

const download = (job: string, out: string) => hyperp(['artifacts', 'download', ctx.runId, job, '--repo', ctx.repo, '-o', out]);

/** One line, `error: …`, exit 1: no stack trace. */
const oneLine = (r: { code: number; stderr: string }, pattern: RegExp): void => {
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /^error: [^\n]*\n$/);
  assert.match(r.stderr, pattern);
};

const noTemporaries = (dir: string): void => assert.equal(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);

t('a device node at -o is refused and left in place (zipped on demand, and the run\'s own zip)', async (): Promise<void> => {
  const dir = join(ctx.repo, 'dev');
  mkdirSync(dir);
  const node = join(dir, 'null-dev');
  // Device nodes need root (CI runs as root); elsewhere this test has nothing to try.
  if (spawnSync('mknod', [node, 'c', '1', '3']).status !== 0) return;
  for (const job of ['plain', 'zipped']) {
    oneLine(await download(job, node), /cannot write .*null-dev: it is a device; give the path of a file/);
    assert.ok(lstatSync(node).isCharacterDevice(), `the device node is still there after ${job}`);
  }
  noTemporaries(dir);
});

t('a folder, a FIFO or a symbolic link at -o is refused with one line; nothing changes', async () => {
  const dir = join(ctx.repo, 'targets');
  mkdirSync(join(dir, 'folder'), { recursive: true });
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  writeFileSync(join(dir, 'real.zip'), 'precious');
  symlinkSync('real.zip', join(dir, 'link.zip'));
  oneLine(await download('plain', join(dir, 'folder')), /it is a folder; give the path of a file/);
  oneLine(await download('zipped', join(dir, 'folder')), /it is a folder; give the path of a file/);
  oneLine(await download('plain', join(dir, 'fifo')), /it is a FIFO/);
  oneLine(await download('plain', join(dir, 'link.zip')), /it is a symbolic link/);
  assert.ok(lstatSync(join(dir, 'fifo')).isFIFO());
  assert.ok(lstatSync(join(dir, 'link.zip')).isSymbolicLink());
  assert.is(readFileSync(join(dir, 'real.zip'), 'utf8'), 'precious');
  assert.equal(readdirSync(join(dir, 'folder')), []);
  noTemporaries(dir);
});

t('a missing folder is one line', async () => {
  const out = join(ctx.repo, 'no', 'such', 'folder', 'a.zip');
  oneLine(await download('plain', out), /cannot write .*a\.zip: there is no folder .*no\/such\/folder/);
  oneLine(await download('zipped', out), /there is no folder/);
  assert.not.ok(existsSync(join(ctx.repo, 'no')));
});

t('an existing regular file is replaced whole by the new zip, through a rename', async () => {
  const dir = join(ctx.repo, 'ok');
  mkdirSync(dir);
  for (const job of ['plain', 'zipped']) {
    const out = join(dir, `${job}.zip`);
    writeFileSync(out, 'old');
    const before = lstatSync(out).ino;
    const r = await download(job, out);
    assert.is(r.code, 0, r.stderr);
    assert.equal(execFileSync('unzip', ['-Z1', out], { encoding: 'utf8' }).trim(), 'result.txt');
    assert.is.not(lstatSync(out).ino, before, 'a new file renamed over the old one, not written in place');
  }
  noTemporaries(dir);
});

t.run();
