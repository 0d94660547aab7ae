// Build contexts packed into S3 (src/contexts/): against s3rver and the GitHub stand-in over a real
// git repository. The archive holds exactly the files of the image's key (the same .dockerignore
// filtering and exclusions as core's), with git's modes and links kept as links; an object already
// there is not written again; a failure mid-upload leaves no object; hostile names and sizes are
// refused with the reason.
import { GetObjectCommand, HeadObjectCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { type RepoFile, type RepoSnapshot } from '@hyperp/core';
import { imageKey, repoFileOf, type ImageKey } from '@hyperp/core/internal';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyAwsError } from '../src/aws/failure-class.js';
import { installationClient } from '../src/github/app-client.js';
import { gitBlobId, writeContextArchive } from '../src/contexts/archive.js';
import { contextEntries, type ContextEntry } from '../src/contexts/entries.js';
import { buildContexts, contextObjectKey } from '../src/contexts/upload.js';
import { remoteRepo } from '../src/github/repo-reader.js';
import type { BuildImage } from '@hyperp/core';
import type { RunMeta } from '../src/run/meta.js';
import { awsError } from './support/aws-faults.js';
import { startGitHubFake, type GitHubFake } from './support/github-server.js';
import { startS3Local, type LocalS3 } from './support/s3-local.js';

const BUCKET = 'hyperp-contexts-test';
const BUILDER = 'martizih/kaniko:v1.26.0';
const LONG = `app/${'d'.repeat(60)}/${'f'.repeat(80)}.txt`;

/** The repository: an app context with a .dockerignore, an executable, links (one pointing out), odd names. */
const FILES: Record<string, string | { link: string } | { exec: string }> = {
  'app/Dockerfile': 'FROM busybox\nCOPY . /app\n',
  'app/.dockerignore': '*.log\n!keep.log\nsecret/\n',
  'app/main.py': 'print("hello")\n',
  'app/run.sh': { exec: '#!/bin/sh\nexec python main.py\n' },
  'app/main-link.py': { link: 'main.py' },
  'app/escape': { link: '../../../etc/passwd' },
  'app/deep/dir/nested file with spaces.txt': 'spaces\n',
  'app/données/été.txt': 'unicode\n',
  'app/back\\slash.txt': 'a backslash is a character on Linux\n',
  [LONG]: 'a name longer than ustar holds\n',
  'app/debug.log': 'ignored\n',
  'app/keep.log': 'kept by !keep.log\n',
  'app/secret/token.txt': 'ghs_never_in_a_context\n',
  'app/task.json': '{"family":"x"}\n',
  'other/outside.txt': 'not in the context\n',
};

let dir: string;
let gh: GitHubFake;
let s3: LocalS3;
let commit: string;
let key: ImageKey;

const git = (...args: string[]): Buffer =>
  execFileSync('git', args, {
    cwd: dir,
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e', GIT_AUTHOR_DATE: '2026-12-01T08:00:00Z', GIT_COMMITTER_DATE: '2026-12-01T08:00:00Z' },
  });

/** Core's reading of the commit, as a local git listing gives it: blob ids and modes, contents on demand. */
const snapshotOf = (sha: string): RepoSnapshot => {
  const files = git('ls-tree', '-r', '-z', sha).toString('utf8').split('\u0000').filter((l) => l !== '').map((line): RepoFile => {
    const [meta, path] = line.split('\t') as [string, string];
    const [mode, , blob] = meta.split(' ') as [string, string, string];
    return repoFileOf(path, blob, mode);
  });
  return { commit: sha, dirty: false, files, read: (p) => (files.some((f) => f.path === p) ? git('show', `${sha}:${p}`).toString('utf8') : undefined) };
};

const command = (k: ImageKey): BuildImage => ({
  _tag: 'BuildImage', runId: 'r1', key: k.key, job: 'app', container: 'app', commit, dockerfilePath: k.dockerfilePath, context: k.context,
  imageUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/hyperp:${k.key}`, cpu: 1024, memory: 2048, attemptKey: 'r1/build/1',
  clientToken: 'c'.repeat(64), startedBy: 'hyperp-build', tags: [],
});
const meta: RunMeta = { runId: 'r1', repo: 'acme/calculator', installationId: 7, branch: 'main', commit: '', workflow: 'w', trigger: 'push' };

/** Every S3 command a test's contexts sent, by name. */
const sent: string[] = [];
const counting = (client: S3Client, fail?: (c: unknown) => Error | undefined): Pick<S3Client, 'send'> => ({
  send: ((c: { constructor: { name: string } }) => {
    sent.push(c.constructor.name.replace(/Command$/, ''));
    const e = fail?.(c);
    return e ? Promise.reject(e) : client.send(c as never);
  }) as S3Client['send'],
});

const contexts = (o: { now?: number; s3?: Pick<S3Client, 'send'>; partBytes?: number } = {}) =>
  buildContexts({
    s3: o.s3 ?? counting(s3.s3), bucket: BUCKET, now: () => o.now ?? Date.now(),
    github: (id) => installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, id),
    images: { planned: async (k) => (k === key.key ? { key: k, repo: meta.repo, workflow: 'w', job: 'app', container: 'app', dockerfilePath: key.dockerfilePath, files: key.files } : undefined) },
    ...(o.partBytes ? { partBytes: o.partBytes } : {}),
  });

interface Unpacked {
  readonly name: string;
  readonly type: string;
  readonly mode: number;
  readonly linkname: string | null;
  readonly content: string;
  readonly mtime: number;
}

const unpack = async (gz: Uint8Array): Promise<Unpacked[]> => {
  const out: Unpacked[] = [];
  const x = extract();
  const done = (async () => {
    for await (const entry of x) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      const h = entry.header;
      out.push({ name: h.name, type: h.type ?? '', mode: h.mode ?? 0, linkname: h.linkname || null, content: Buffer.concat(chunks).toString('utf8'), mtime: h.mtime?.getTime() ?? 0 });
    }
  })();
  x.end(Buffer.from(gunzipSync(gz)));
  await done;
  return out;
};

const objectBytes = async (k: string): Promise<Uint8Array> =>
  (await s3.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: contextObjectKey(k) }))).Body!.transformToByteArray();

const C = suite('build contexts in S3');
C.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hyperp-contexts-'));
  for (const [path, v] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    if (typeof v === 'string') writeFileSync(join(dir, path), v);
    else if ('link' in v) symlinkSync(v.link, join(dir, path));
    else {
      writeFileSync(join(dir, path), v.exec);
      chmodSync(join(dir, path), 0o755);
    }
  }
  // Random bytes do not compress: the archive is larger than a small part, so it goes up in parts.
  writeFileSync(join(dir, 'app/model.bin'), randomBytes(300 * 1024));
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  commit = git('rev-parse', 'HEAD').toString().trim();
  const k = imageKey(snapshotOf(commit), 'app/Dockerfile', BUILDER, { exclude: ['app/task.json'] });
  if (k._tag === 'Left') throw new Error(JSON.stringify(k.left));
  key = k.right;
  gh = await startGitHubFake({ dir, git: (...a) => git(...a).toString().trim(), commit: () => commit, remove: () => undefined });
  s3 = await startS3Local([BUCKET]);
});
C.after(async () => {
  await gh?.close();
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
});
C.before.each(() => {
  sent.length = 0;
});

C('the archive holds exactly the files of the image key, named inside the context, with git\'s modes and links as links', async () => {
  const r = await contexts({ partBytes: 64 * 1024 }).ensure(command(key), meta);
  assert.equal(r, { _tag: 'Ready', uri: `s3://${BUCKET}/hyperp-contexts/${key.key}.tar.gz`, uploaded: true });
  // The archive was larger than a part: it went up as a multipart upload.
  assert.equal(sent.filter((n) => n !== 'UploadPart'), ['HeadObject', 'CreateMultipartUpload', 'CompleteMultipartUpload']);
  assert.ok(sent.filter((n) => n === 'UploadPart').length >= 2);
  const entries = await unpack(await objectBytes(key.key));
  const files = entries.filter((e) => e.type !== 'directory');
  // The key's files: .dockerignore applied, the task definition left out, nothing outside app/.
  assert.equal(files.map((e) => e.name), key.files.map((f) => f.path.slice('app/'.length)));
  assert.equal(files.map((e) => e.name).sort(), [
    '.dockerignore', 'Dockerfile', 'back\\slash.txt', `${'d'.repeat(60)}/${'f'.repeat(80)}.txt`, 'deep/dir/nested file with spaces.txt',
    'données/été.txt', 'escape', 'keep.log', 'main-link.py', 'main.py', 'model.bin', 'run.sh',
  ]);
  for (const e of files) {
    const path = `app/${e.name}`;
    const spec = FILES[path];
    if (spec !== undefined && typeof spec === 'object' && 'link' in spec) {
      // A link stays a link with its target as written, never followed (nothing of /etc/passwd).
      assert.equal([e.type, e.linkname, e.content], ['symlink', spec.link, ''], path);
      continue;
    }
    assert.equal([e.type, e.mode], ['file', spec !== undefined && typeof spec === 'object' ? 0o755 : 0o644], path);
    assert.is(gitBlobId(Buffer.from(git('show', `${commit}:${path}`))), key.files.find((f) => f.path === path)!.blob, path);
    if (path !== 'app/model.bin') assert.is(e.content, git('show', `${commit}:${path}`).toString('utf8'), path);
  }
  // Each directory once, before its files; one owner and time for all.
  assert.equal(entries.filter((e) => e.type === 'directory').map((e) => [e.name, e.mode]), [
    ['d'.repeat(60), 0o755], ['deep', 0o755], ['deep/dir', 0o755], ['données', 0o755],
  ]);
  assert.equal([...new Set(entries.map((e) => e.mtime))], [Date.UTC(1980, 0, 1)]);
});

C('the GitHub reader lists each file with its Trees API mode, so the planner keys the image as a local git listing does', async () => {
  const remote = await remoteRepo(installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, meta.installationId), { owner: 'acme', repo: 'calculator', commit });
  const modes = (fs: readonly RepoFile[]) => fs.filter((f) => f.mode !== undefined).map((f) => [f.path, f.mode]);
  assert.equal(modes(remote.files), [['app/escape', 'symlink'], ['app/main-link.py', 'symlink'], ['app/run.sh', 'executable']]);
  assert.equal(remote.files, snapshotOf(commit).files);
  const planned = await remote.snapshotReading((snap) => imageKey(snap, 'app/Dockerfile', BUILDER, { exclude: ['app/task.json'] }));
  assert.is(planned._tag === 'Right' && planned.right.key, key.key);
  assert.equal(gh.violations, []);
});

C('the archive is the same bytes every time: packing it again gives the object that is there', async () => {
  const stored = await objectBytes(key.key);
  const chosen = contextEntries('app', key.files, key.files.map((f) => {
    const spec = FILES[f.path];
    const mode = spec !== undefined && typeof spec === 'object' ? ('link' in spec ? '120000' : '100755') : '100644';
    return { path: f.path, type: 'blob', mode, sha: f.blob, size: Number(git('cat-file', '-s', f.blob).toString()) };
  }));
  if (chosen._tag !== 'Entries') throw new Error(chosen.reason);
  const chunks: Uint8Array[] = [];
  await writeContextArchive(chosen.entries, async (e) => new Uint8Array(git('cat-file', 'blob', e.blob)), async (c) => void chunks.push(c));
  assert.ok(Buffer.concat(chunks).equals(Buffer.from(stored)));
});

C('an object already there is not written again, nor the repository read', async () => {
  const before = (await s3.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: contextObjectKey(key.key) }))).ETag;
  const reads = gh.requests.length;
  assert.equal(await contexts().ensure(command(key), meta), { _tag: 'Ready', uri: `s3://${BUCKET}/hyperp-contexts/${key.key}.tar.gz`, uploaded: false });
  assert.equal(sent, ['HeadObject']);
  assert.is(gh.requests.length, reads);
  assert.is((await s3.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: contextObjectKey(key.key) }))).ETag, before);
});

C('an object a day from its expiry is packed again, so a builder never starts on one the lifecycle may remove', async () => {
  const r = await contexts({ now: Date.now() + 6.5 * 24 * 3600 * 1000 }).ensure(command(key), meta);
  assert.equal([r._tag, r._tag === 'Ready' && r.uploaded], ['Ready', true]);
  assert.equal(sent, ['HeadObject', 'PutObject']);
});

C('a failure mid-upload leaves no object (the upload is aborted) and is classed as S3 said', async () => {
  const other: ImageKey = { ...key, key: 'e'.repeat(64) };
  let parts = 0;
  const slowDown = awsError('SlowDown', 'Please reduce your request rate.', 503);
  const r = await buildContexts({
    s3: counting(s3.s3, (c) => (c instanceof UploadPartCommand && ++parts === 2 ? slowDown : undefined)),
    bucket: BUCKET, now: Date.now, partBytes: 64 * 1024,
    github: (id) => installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, id),
    images: { planned: async (k) => ({ key: k, repo: meta.repo, workflow: 'w', job: 'app', container: 'app', dockerfilePath: key.dockerfilePath, files: key.files }) },
  }).ensure(command(other), meta).then(() => 'ready', (e: unknown) => e);
  assert.is(r, slowDown);
  assert.is(classifyAwsError(r).failure, 'retryable');
  assert.ok(sent.includes('AbortMultipartUpload'));
  assert.not.ok(sent.includes('CompleteMultipartUpload'));
  const head = await s3.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: contextObjectKey(other.key) })).then(() => 'there', (e: Error) => e.name);
  assert.is(head, 'NotFound');
});

C('bytes that are not the blob the key names are never packed', async () => {
  const entries: ContextEntry[] = [{ name: 'a.txt', path: 'app/a.txt', blob: gitBlobId(Buffer.from('right\n')), kind: 'file', size: 6 }];
  const written: Uint8Array[] = [];
  const r = await writeContextArchive(entries, async () => Buffer.from('wrong\n'), async (c) => void written.push(c)).then(() => 'packed', (e: Error) => e.message);
  assert.is(r, `app/a.txt: the bytes read are not blob ${entries[0]!.blob} (6 bytes read)`);
});

const tree = (path: string, mode = '100644', size = 10, sha = 'a'.repeat(40)) => ({ path, type: 'blob', mode, sha, size });
const files = (...paths: string[]) => paths.map((path) => ({ path, blob: 'a'.repeat(40) }));

C('hostile names, modes and sizes are refused before anything is read, with the reason', () => {
  const refused = (context: string, f: readonly RepoFile[], t: ReturnType<typeof tree>[], limits?: { fileBytes: number; files: number; totalBytes: number }) => {
    const r = contextEntries(context, f, t, limits);
    return r._tag === 'Refused' ? r.reason : 'accepted';
  };
  assert.is(refused('app', files('app/../etc/passwd'), [tree('app/../etc/passwd')]), 'build context app: "app/../etc/passwd" is not a safe name inside the context');
  assert.is(refused('', files('/etc/passwd'), [tree('/etc/passwd')]), 'build context (repository root): "/etc/passwd" is not a safe name inside the context');
  assert.is(refused('app', files('app/a//b'), [tree('app/a//b')]), 'build context app: "app/a//b" is not a safe name inside the context');
  assert.is(refused('app', files('app/./x'), [tree('app/./x')]), 'build context app: "app/./x" is not a safe name inside the context');
  assert.is(refused('app', files('app/a\u0000b'), [tree('app/a\u0000b')]), 'build context app: "app/a\\u0000b" is not a safe name inside the context');
  assert.is(refused('app', files('other/x'), [tree('other/x')]), 'build context app: "other/x" is not a safe name inside the context');
  assert.is(refused('app', files('app/sub'), [tree('app/sub', '160000')]), 'build context app: app/sub has git mode 160000, neither a file nor a symbolic link');
  assert.is(refused('app', files('app/x'), [tree('app/x', '100644', 10, 'b'.repeat(40))]), `build context app: app/x is not at blob ${'a'.repeat(12)} in the commit's tree`);
  assert.is(refused('app', files('app/x'), []), `build context app: app/x is not at blob ${'a'.repeat(12)} in the commit's tree`);
  // The key hashed a mode (none: a regular file): a tree that says otherwise is not packed under that key.
  assert.is(refused('app', files('app/run.sh'), [tree('app/run.sh', '100755')]), 'build context app: app/run.sh is an executable in the commit\'s tree, but its image key was made for a regular file');
  assert.is(refused('app', [{ path: 'app/l', blob: 'a'.repeat(40), mode: 'symlink' }], [tree('app/l')]), 'build context app: app/l is a regular file in the commit\'s tree, but its image key was made for a symbolic link');
  // Sizes: a file above GitHub's blob limit, too many files, too many bytes in all.
  assert.is(refused('app', files('app/big.bin'), [tree('app/big.bin', '100644', 120 * 1024 * 1024)]), 'build context app: app/big.bin is 120 MiB; a file may be at most 100 MiB');
  const small = { fileBytes: 100, files: 2, totalBytes: 150 };
  assert.is(refused('app', files('app/a', 'app/b', 'app/c'), ['app/a', 'app/b', 'app/c'].map((p) => tree(p)), small), 'build context app: 3 files; at most 2 can be fetched for one build');
  assert.is(refused('app', files('app/a', 'app/b'), [tree('app/a', '100644', 100), tree('app/b', '100644', 100)], small), 'build context app: its files exceed 150 bytes');
  // A backslash, spaces and unicode are ordinary characters of a name on Linux.
  assert.is(refused('app', files('app/a\\b c/é'), [tree('app/a\\b c/é')]), 'accepted');
});

C('a context the planner did not record is refused with what to do', async () => {
  const r = await contexts().ensure({ ...command(key), key: 'f'.repeat(64) }, meta);
  assert.equal(r, { _tag: 'Refused', reason: `build context: the files of image ${'f'.repeat(12)} were not recorded when it was planned; push again to plan it anew` });
});

C.run();
