// The efs function's zip of a job's output, read back by real unzip tools (Info-ZIP `unzip`,
// Python's `zipfile`) from s3rver: hostile names stored by the same rules as the local zip,
// links and special files skipped with a note in the comment, and zip64 where the format needs
// it — more than 65,535 entries here; a file over 4 GiB with HYPERP_ZIP64_LARGE=1 (it deflates
// 4 GiB, about a minute and a half on two cores, so the suite leaves it out).
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { zipDirectory } from '@hyperp/adapters-local';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { partBytesFor, zipDirectoryToS3 } from '../src/efs/zip-to-s3.js';
import { startS3Local, type LocalS3 } from './support/s3-local.js';

const BUCKET = 'hyperp-artifacts-test';
let local: LocalS3;
let root: string;

const z = suite('the AWS zip of a job output');
z.before(async () => {
  local = await startS3Local([BUCKET]);
  // tmpfs where there is one: making 65,534 files on an overlay disk takes several times longer.
  root = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'hyperp-zip-'));
});
z.after(async () => {
  await local.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Downloads `key` to a file beside the outputs and returns its path. */
const fetchZip = async (key: string): Promise<string> => {
  const r = await local.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const path = join(root, key.replaceAll('/', '_'));
  writeFileSync(path, await r.Body!.transformToByteArray());
  return path;
};

/** Python's zipfile: every entry's name and size, the comment, and the first bad CRC (None when all read back). */
const pythonRead = (zipPath: string, test: boolean): { names: string[]; sizes: number[]; comment: string; bad: string | null } =>
  JSON.parse(execFileSync('python3', ['-c', `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"names": [i.filename for i in z.infolist()], "sizes": [i.file_size for i in z.infolist()],
  "comment": z.comment.decode("latin1"), "bad": z.testzip() if sys.argv[2] == "1" else None}))
`, zipPath, test ? '1' : '0'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as never;

z('hostile names are stored by the local zip\'s rules, links and FIFOs skipped with a note; 65,540 entries need zip64 and read back in unzip and Python', async () => {
  const dir = join(root, 'out');
  mkdirSync(join(dir, 'many'), { recursive: true });
  writeFileSync(join(dir, 'a\\b.txt'), 'backslash');
  writeFileSync(join(dir, 'a_b.txt'), 'taken');
  writeFileSync(join(dir, 'c:d'), 'colon');
  writeFileSync(join(dir, '\u001b[31mred'), 'escape');
  writeFileSync(join(dir, 'evil\u202etxt.exe'), 'bidi');
  mkdirSync(join(dir, 'empty'));
  symlinkSync('/etc/passwd', join(dir, 'passwd'));
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  // 65,535 is the most a zip without zip64 records can count (APPNOTE 4.4.21-22).
  for (let i = 0; i < 65_534; i++) closeSync(openSync(join(dir, 'many', String(i).padStart(5, '0')), 'w'));

  const r = await zipDirectoryToS3(local.s3, dir, BUCKET, 'many.zip');
  const expectedNames = ['_[31mred', 'a_b.txt', 'a_b~2.txt', 'c_d', 'empty/', 'evil_txt.exe'];
  assert.is(r.files, 65_540);
  assert.equal(r.notes, [
    '"\\x1b[31mred" stored as "_[31mred"',
    '"a\\b.txt" stored as "a_b.txt"',
    '"a_b.txt" stored as "a_b~2.txt"',
    '"c:d" stored as "c_d"',
    '"evil\\u202etxt.exe" stored as "evil_txt.exe"',
    'skipped "passwd": a symbolic link (to "/etc/passwd"), not followed',
    'skipped "pipe": a FIFO',
  ]);
  const zipPath = await fetchZip('many.zip');
  const py = pythonRead(zipPath, true);
  assert.is(py.bad, null);
  assert.is(py.names.length, 65_540);
  assert.equal(py.names.filter((n) => !n.startsWith('many/')), expectedNames);
  assert.equal(py.comment.split('\n'), ['hyperp:', ...r.notes.map((n) => n.replace(/[^\x20-\x7e]/g, '?'))]);
  // Info-ZIP reads the zip64 end records: its total line counts every entry.
  const listing = execFileSync('unzip', ['-l', zipPath], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.match(listing.trim().split('\n').at(-1)!, /\s65540 files$/);
  const contents = execFileSync('unzip', ['-p', zipPath, 'a_b.txt', 'a_b~2.txt', 'c_d'], { encoding: 'utf8' });
  assert.is(contents, 'backslashtakencolon');
});

/** Python's zipfile: each entry's name, Unix mode, size and CRC, and the comment. */
const pythonEntries = (zipPath: string): { entries: [string, number, number, number][]; comment: string } =>
  JSON.parse(execFileSync('python3', ['-c', `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"entries": [[i.filename, i.external_attr >> 16, i.file_size, i.CRC] for i in z.infolist()],
  "comment": z.comment.decode("latin1")}))
`, zipPath], { encoding: 'utf8' })) as never;

z('the AWS zip and the local zip of one hostile output hold the same entries, modes, contents and notes', async () => {
  const dir = join(root, 'same');
  mkdirSync(join(dir, 'sub', 'empty'), { recursive: true });
  mkdirSync(join(dir, 'C:'));
  writeFileSync(join(dir, 'a\\b'), 'first');
  writeFileSync(join(dir, 'a_b'), 'second');
  writeFileSync(join(dir, 'C:', 'boot.ini'), 'drive');
  writeFileSync(join(dir, 'gpj.\u202eexe'), 'bidi');
  writeFileSync(Buffer.from(join(dir, 'latin1-\xe9.txt'), 'latin1'), 'bytes');
  writeFileSync(join(dir, 'sub', 'run.sh'), '#!/bin/sh\n');
  chmodSync(join(dir, 'sub', 'run.sh'), 0o6755);
  writeFileSync(join(dir, 'zero'), '');
  symlinkSync('/proc/self/environ', join(dir, 'env'));
  symlinkSync('zero', join(dir, 'sub', 'inside'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  const server = createServer();
  await new Promise<void>((res) => server.listen(join(dir, 'sock'), res));
  try {
    const aws = await zipDirectoryToS3(local.s3, dir, BUCKET, 'same.zip');
    const here = await zipDirectory(dir, join(root, 'same-local.zip'));
    assert.equal(aws.notes, here.notes);
    assert.is(aws.files, here.entries);
    const fromS3 = pythonEntries(await fetchZip('same.zip'));
    const fromLocal = pythonEntries(join(root, 'same-local.zip'));
    assert.equal(fromS3, fromLocal);
    // The tree is hostile enough for the comparison to mean something.
    assert.equal(fromS3.entries.map((e) => e[0]).filter((n) => !n.startsWith('latin1-')),
      ['C_/boot.ini', 'a_b', 'a_b~2', 'gpj._exe', 'sub/empty/', 'sub/run.sh', 'zero']);
    assert.is(fromS3.entries.find((e) => e[0] === 'sub/run.sh')![1], 0o100755);
    assert.equal(aws.notes.filter((n) => n.startsWith('skipped')).length, 4, aws.notes.join('; '));
  } finally {
    server.close();
  }
});

if (process.env['HYPERP_ZIP64_LARGE'] === '1') {
  z('a sparse file over 4 GiB is stored with zip64 sizes, streamed to S3 in parts, and reads back in unzip and Python', async () => {
    const dir = join(root, 'large');
    mkdirSync(dir);
    const size = 4 * 1024 ** 3 + 3;
    const fd = openSync(join(dir, 'sparse.bin'), 'w');
    writeSync(fd, Buffer.from('end'), 0, 3, size - 3);
    closeSync(fd);
    writeFileSync(join(dir, 'after.txt'), 'after');
    const r = await zipDirectoryToS3(local.s3, dir, BUCKET, 'large.zip');
    const zipPath = await fetchZip('large.zip');
    assert.equal(pythonRead(zipPath, false).sizes, [5, size]);
    assert.match(execFileSync('unzip', ['-l', zipPath], { encoding: 'utf8' }), new RegExp(`\\s${size}\\s+\\S+ \\S+\\s+sparse\\.bin`));
    assert.is(execFileSync('unzip', ['-p', zipPath, 'after.txt'], { encoding: 'utf8' }), 'after');
    assert.ok(r.bytes < 64 * 1024 * 1024);
  });
}

z('the part size grows with the output so that any output fits in S3\'s 10,000 parts of at most 5 GiB', () => {
  assert.is(partBytesFor(1_000), 8 * 1024 * 1024);
  assert.is(partBytesFor(200 * 1024 ** 3), Math.ceil((200 * 1024 ** 3) / 9_999));
  assert.ok(partBytesFor(200 * 1024 ** 3) * 10_000 > 200 * 1024 ** 3);
  assert.is(partBytesFor(60 * 1024 ** 4), 5 * 1024 ** 3);
});

z.run();
