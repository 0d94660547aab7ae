import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { unzipSync } from 'fflate';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, readFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EXPIRY_MARGIN_SECONDS, presignGet, UNKNOWN_SESSION_SECONDS } from '../src/aws/presign.js';
import { s3BlobStore } from '../src/aws/s3-blobs.js';
import { realFolderOf } from '../src/efs/folders.js';
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

s('the run\'s inputs.json is written in its run folder, readable by all; a file outside the folders asked for is refused', async () => {
  const efs = efsHandler({ root, s3: local.s3, events: memoryLog(), now: () => NOW });
  const files = [{ path: 'c/r2/w/run/inputs.json', text: '{"date":"d"}\n' }];
  assert.equal(await efs({ op: 'mkdirs', runId: 'r2', paths: ['c/r2/w/j', 'c/r2/w/run'], files }), { op: 'mkdirs', created: 2 });
  assert.is(readFileSync(join(root, 'c/r2/w/run/inputs.json'), 'utf8'), '{"date":"d"}\n');
  assert.is(statSync(join(root, 'c/r2/w/run/inputs.json')).mode & 0o777, 0o644);
  try {
    await efs({ op: 'mkdirs', runId: 'r2', paths: ['c/r2/w/run'], files: [{ path: 'c/r2/w/j/../../../x', text: '' }] });
    assert.unreachable('a file outside the folders was written');
  } catch (e) {
    assert.match((e as Error).message, 'is not in a folder of the request');
  }
});

s('each folder a task mounts is a short real folder that access points can root at, reached by its layout path; writers write, readers only read', async () => {
  const efs = efsHandler({ root, s3: local.s3, events: memoryLog(), now: () => NOW });
  const paths = [`${'c'.repeat(40)}/20261203-140000-0123456789/${'w'.repeat(16)}/${'j'.repeat(16)}`, 'c/r9/w/shared/notes'];
  const before = process.umask(0o077);
  try {
    await efs({ op: 'mkdirs', runId: 'r9', paths });
    // Again: a repeated command changes nothing.
    await efs({ op: 'mkdirs', runId: 'r9', paths });
  } finally {
    process.umask(before);
  }
  for (const p of paths) {
    const real = join(root, realFolderOf(p));
    // EFS access points take a root of at most four levels and 100 characters (EFS API, RootDirectory).
    assert.ok(`/hyperp/${realFolderOf(p)}`.length <= 100 && realFolderOf(p).split('/').length <= 3, realFolderOf(p));
    assert.ok(lstatSync(join(root, p)).isSymbolicLink(), p);
    assert.is(realpathSync(join(root, p)), realpathSync(real));
    assert.is((statSync(real).mode & 0o7777).toString(8), '755');
  }
  if (process.getuid?.() === 0) {
    // As root here, check it for real: the writers' uid 1000 writes, the readers' uid 1001 cannot.
    chmodSync(root, 0o755);
    const live = 'c/r10/w/job';
    await efs({ op: 'mkdirs', runId: 'r10', paths: [live] });
    execFileSync('chown', ['-R', '1000:1000', join(root, realFolderOf(live))]);
    const as = (uid: number, cmd: string) => execFileSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'sh', '-c', cmd], { stdio: 'pipe' });
    as(1000, `umask 022; echo out > '${join(root, live)}/by-job.txt'`);
    assert.is(as(1001, `cat '${join(root, live)}/by-job.txt'`).toString(), 'out\n');
    assert.throws(() => as(1001, `echo x > '${join(root, live)}/by-job.txt'`));
    assert.throws(() => as(1001, `echo x > '${join(root, live)}/new.txt'`));
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

/** An S3 client on s3rver signing with these credentials (s3rver's own key, as a session would have). */
const clientWith = (credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>) =>
  new S3Client({
    endpoint: local.endpoint, region: 'us-east-1', forcePathStyle: true, credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
const signedFor = (url: string): { date: number; expires: number } => {
  const q = new URL(url).searchParams;
  const d = q.get('X-Amz-Date')!; // 20261122T090000Z
  return {
    date: Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15)),
    expires: Number(q.get('X-Amz-Expires')),
  };
};

s('a presigned URL never outlives the session credentials that signed it, and says when it ends', async () => {
  const key = 'hyperp-artifacts/c/r1/w/j/artifacts.zip';
  await local.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'zip' }));
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 8 * 3600 }), fc.integer({ min: 0, max: 999 }), async (left, ms) => {
      const now = NOW + ms;
      const expiration = new Date(now + left * 1000);
      const s3 = clientWith(async () => ({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken: 'session', expiration }));
      const p = await presignGet(s3, BUCKET, key, 3600, () => now);
      s3.destroy();
      const { date, expires } = signedFor(p.url);
      assert.is(expires, p.expiresInSeconds);
      assert.is(date + expires * 1000, p.expiresAt);
      assert.ok(expires >= 1 && expires <= 3600);
      // Never past the credentials (less the margin for clock skew), unless they have less than a second left.
      if (left > EXPIRY_MARGIN_SECONDS + 1) assert.ok(p.expiresAt <= expiration.getTime() - EXPIRY_MARGIN_SECONDS * 1000, `${left} s left, URL for ${expires} s`);
      if (left >= 3600 + EXPIRY_MARGIN_SECONDS + 1) assert.is(expires, 3600);
    }),
    { numRuns: 60 },
  );
});

s('credentials about to expire are refreshed before signing; long-term keys sign the hour; a session of unknown end signs briefly', async () => {
  const key = 'hyperp-artifacts/c/r1/w/j/artifacts.zip';
  let refreshed = 0;
  const refreshing = clientWith(async () =>
    refreshed++ === 0
      ? { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken: 'old', expiration: new Date(NOW + 120_000) }
      : { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken: 'new', expiration: new Date(NOW + 6 * 3600_000) },
  );
  const p = await presignGet(refreshing, BUCKET, key, 3600, () => NOW);
  assert.equal([p.expiresInSeconds, new URL(p.url).searchParams.get('X-Amz-Security-Token')], [3600, 'new']);
  refreshing.destroy();
  const longTerm = clientWith(async () => ({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }));
  assert.is((await presignGet(longTerm, BUCKET, key, 3600, () => NOW)).expiresInSeconds, 3600);
  longTerm.destroy();
  const unknownEnd = clientWith(async () => ({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken: 'lambda' }));
  assert.is((await presignGet(unknownEnd, BUCKET, key, 3600, () => NOW)).expiresInSeconds, UNKNOWN_SESSION_SECONDS);
  unknownEnd.destroy();
  // And the URL works: signed now, fetched now.
  const fresh = clientWith(async () => ({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }));
  const live = await presignGet(fresh, BUCKET, key, 600, Date.now);
  const r = await fetch(live.url);
  assert.equal([r.status, await r.text()], [200, 'zip']);
  fresh.destroy();
});

s.run();
