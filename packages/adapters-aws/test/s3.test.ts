import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { unzipSync } from 'fflate';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { s3BlobStore } from '../src/aws/s3-blobs.js';
import { zipDirectoryToS3 } from '../src/efs/zip-to-s3.js';
import { efsHandler } from '../src/handlers/efs.js';
import type { EventLog, LoggedEvent } from '../src/store/event-log.js';
import { bodyCodec } from '../src/store/body.js';
import { startS3Local, type LocalS3 } from './support/s3-local.js';

const BUCKET = 'hyperp-artifacts-test';
let local: LocalS3;
let root: string;
const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);

const memoryLog = (): Pick<EventLog, 'append' | 'list'> & { items: LoggedEvent[] } => {
  const items: LoggedEvent[] = [];
  return {
    items,
    append: async (e) => (items.some((x) => x.id === e.id && x.runId === e.runId) ? 'duplicate' : (items.push(e), 'appended')),
    list: async (runId) => items.filter((i) => i.runId === runId),
  };
};

const s = suite('S3: zips, presigned URLs, spilled bodies');
s.before(async () => {
  local = await startS3Local([BUCKET]);
  root = mkdtempSync(join(tmpdir(), 'hyperp-efs-'));
});
s.after(async () => {
  await local.stop();
  rmSync(root, { recursive: true, force: true });
});

const download = async (key: string): Promise<Uint8Array> => {
  const url = await getSignedUrl(local.s3, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 600 });
  assert.match(url, /X-Amz-Signature=[0-9a-f]{64}/);
  const r = await fetch(url);
  assert.is(r.status, 200);
  return new Uint8Array(await r.arrayBuffer());
};

s('the EFS helper makes folders and zips a job output to S3; the presigned URL downloads it over HTTP', async () => {
  const events = memoryLog();
  const efs = efsHandler({ root, s3: local.s3, events, now: () => NOW });
  assert.equal(await efs({ op: 'mkdirs', runId: 'r1', paths: ['c/r1/w/j', 'c/r1/w/shared/notes'] }), { op: 'mkdirs', created: 2 });
  writeFileSync(join(root, 'c/r1/w/j/result.txt'), '42\n');
  mkdirSync(join(root, 'c/r1/w/j/deep/er'), { recursive: true });
  writeFileSync(join(root, 'c/r1/w/j/deep/er/data.json'), '{"x":1}');
  const key = 'hyperp-artifacts/c/r1/w/j/artifacts.zip';
  const r = await efs({ op: 'zip', runId: 'r1', job: 'x * y', sourcePath: 'c/r1/w/j', bucket: BUCKET, objectKey: key, appendEvent: true });
  assert.equal(r, { op: 'zip', location: `s3://${BUCKET}/${key}`, bytes: (r as { bytes: number }).bytes, files: 2 });
  const files = unzipSync(await download(key));
  assert.equal(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new TextDecoder().decode(v)])), {
    'deep/er/data.json': '{"x":1}',
    'result.txt': '42\n',
  });
  assert.equal(events.items.map((e) => [e.id, e.event]), [
    ['zip:x * y:DownloadableReady', { _tag: 'DownloadableReady', at: NOW, job: 'x * y', location: `s3://${BUCKET}/${key}`, bytes: (r as { bytes: number }).bytes }],
  ]);
});

s('the folders tasks mount are writable by a job running as any user, whatever the umask', async () => {
  const efs = efsHandler({ root, s3: local.s3, events: memoryLog(), now: () => NOW });
  const paths = ['c/r9/w/job', 'c/r9/w/shared/notes'];
  const before = process.umask(0o077);
  try {
    await efs({ op: 'mkdirs', runId: 'r9', paths });
  } finally {
    process.umask(before);
  }
  assert.equal(paths.map((p) => (statSync(join(root, p)).mode & 0o7777).toString(8)), ['777', '777']);
  if (process.getuid?.() === 0) {
    // As root here, check it for real: a job user (uid 4242) writes into both. (The folders
    // above them only need to be traversable here; tasks mount their folder directly.)
    chmodSync(root, 0o755);
    const live = ['c/r10/w/job', 'c/r10/w/shared/notes'];
    await efs({ op: 'mkdirs', runId: 'r10', paths: live });
    for (const p of live) {
      execFileSync('setpriv', ['--reuid=4242', '--regid=4242', '--clear-groups', 'sh', '-c', `echo out > '${join(root, p)}/by-job.txt'`]);
      assert.is(statSync(join(root, p, 'by-job.txt')).uid, 4242);
    }
  }
});

s('a path leaving the artifacts root is refused, and a failed zip is reported as an event', async () => {
  const events = memoryLog();
  const efs = efsHandler({ root, s3: local.s3, events, now: () => NOW });
  try {
    await efs({ op: 'mkdirs', runId: 'r1', paths: ['../etc'] });
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, 'artifact path "../etc" leaves the artifacts root');
  }
  await efs({ op: 'zip', runId: 'r2', job: 'j', sourcePath: 'missing/dir', bucket: BUCKET, objectKey: 'k.zip', appendEvent: true }).catch(() => undefined);
  assert.equal(events.items.map((e) => [e.id, (e.event as { _tag: string })._tag]), [['zip:j:DownloadableFailed', 'DownloadableFailed']]);
});

s('outputs larger than a part go up as a multipart upload and come back whole', async () => {
  const dir = join(root, 'big');
  mkdirSync(dir, { recursive: true });
  const a = randomBytes(6 * 1024 * 1024);
  const b = randomBytes(3 * 1024 * 1024);
  writeFileSync(join(dir, 'a.bin'), a);
  writeFileSync(join(dir, 'b.bin'), b);
  const r = await zipDirectoryToS3(local.s3, dir, BUCKET, 'big.zip', 5 * 1024 * 1024);
  assert.is(r.files, 2);
  const files = unzipSync(await download('big.zip'));
  assert.ok(Buffer.from(files['a.bin']!).equals(a) && Buffer.from(files['b.bin']!).equals(b));
});

s('a state body too large for an item spills to S3 under hyperp-state/ and reads back', async () => {
  const codec = bodyCodec(s3BlobStore(local.s3, BUCKET));
  const value = { noise: randomBytes(400 * 1024).toString('base64') };
  const stored = await codec.pack(value, 'runs/r9/state');
  assert.is(stored.enc, 's3');
  assert.equal(await codec.unpack(stored), value);
  const r = await local.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `hyperp-state/${stored.body as string}` }));
  assert.is(r.ContentType, 'application/gzip');
});

s.run();
