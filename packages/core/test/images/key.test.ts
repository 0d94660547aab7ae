import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { contextFiles, dockerignoreFilter, imageKey } from '../../src/images/index.js';
import type { RepoFile } from '../../src/repo/snapshot.js';
import { snapshotFromFiles, type FileInput } from '../../src/repo/from-files.js';

const paths = ['a.md', 'keep.md', 'sub/a.md', 'build', 'build/x', 'src/build/y', 'tmp/a', 'src/tmp/a', 'x.log', 'a/b/c.log', 'main.py', 'docs/guide/intro.txt'];

const d = suite('.dockerignore semantics (Docker\'s, not .gitignore\'s)');

d('* stays in one segment, ** crosses, ! re-includes, leading / is the same as none, a matched directory takes its contents', () => {
  const keep = dockerignoreFilter('# comment\n\n*.md\n!keep.md\nbuild\n/tmp\n**/*.log\ndocs\n');
  assert.equal(paths.filter(keep), ['keep.md', 'sub/a.md', 'src/build/y', 'src/tmp/a', 'main.py']);
});

d('! re-includes a file inside an excluded directory; */ is one level, **/ any', () => {
  const keep = dockerignoreFilter('build\n!build/keep\n*/temp*\n**/*.tmp\n');
  const all = ['build/x', 'build/keep', 'a/tempx', 'a/b/tempx', 'x.tmp', 'a/b/x.tmp', 'src/main.c'];
  assert.equal(all.filter(keep), ['build/keep', 'a/b/tempx', 'src/main.c']);
});

d('no file, or only comments: everything is kept', () => {
  assert.equal(paths.filter(dockerignoreFilter(undefined)), paths);
  assert.equal(paths.filter(dockerignoreFilter('# nothing\n')), paths);
});

d.run();

const files = (entries: Record<string, string>): { files: RepoFile[]; read: (p: string) => string | undefined } => {
  const list = Object.keys(entries).sort().map((path) => ({ path, blob: `blob-${entries[path]}` }));
  return { files: list, read: (p) => (p in entries ? entries[p] : undefined) };
};

const k = suite('image keys');

k('the context is the Dockerfile\'s directory; BuildKit\'s <Dockerfile>.dockerignore wins over .dockerignore', () => {
  const snap = files({
    'app/Dockerfile.prod': 'FROM x', 'app/Dockerfile.prod.dockerignore': '*.txt', 'app/.dockerignore': '*.py',
    'app/a.txt': 'a', 'app/b.py': 'b', 'apple/c.py': 'c', 'root.py': 'r',
  });
  assert.equal(contextFiles(snap, './app/Dockerfile.prod'), E.right({
    dockerfilePath: 'app/Dockerfile.prod',
    context: 'app',
    dockerignore: 'app/Dockerfile.prod.dockerignore',
    files: [
      { path: 'app/.dockerignore', blob: 'blob-*.py' },
      { path: 'app/Dockerfile.prod', blob: 'blob-FROM x' },
      { path: 'app/Dockerfile.prod.dockerignore', blob: 'blob-*.txt' },
      { path: 'app/b.py', blob: 'blob-b' },
    ],
  }));
});

k('the Dockerfile is always part of the key, even when .dockerignore names it (then COPY does not see it)', () => {
  const snap = files({ 'Dockerfile': 'FROM x', '.dockerignore': 'Dockerfile\n*.log', 'a.log': 'l', 'main.py': 'm' });
  const c = contextFiles(snap, 'Dockerfile');
  assert.equal(E.isRight(c) && [c.right.context, c.right.files.map((f) => f.path), c.right.dockerfileIgnored], ['', ['.dockerignore', 'Dockerfile', 'main.py'], true]);
  const kept = contextFiles(files({ 'Dockerfile': 'FROM x', '.dockerignore': '*.log' }), 'Dockerfile');
  assert.is(E.isRight(kept) && kept.right.dockerfileIgnored, undefined);
});

k('same content, same key; a different builder or blob, a different key', () => {
  const a = imageKey(files({ 'x/Dockerfile': 'F', 'x/m.py': '1' }), 'x/Dockerfile', 'b1');
  const same = imageKey(files({ 'x/Dockerfile': 'F', 'x/m.py': '1', 'y/z': 'other' }), 'x/Dockerfile', 'b1');
  const builder = imageKey(files({ 'x/Dockerfile': 'F', 'x/m.py': '1' }), 'x/Dockerfile', 'b2');
  const blob = imageKey(files({ 'x/Dockerfile': 'F', 'x/m.py': '2' }), 'x/Dockerfile', 'b1');
  const key = (e: typeof a) => (E.isRight(e) ? e.right.key : 'error');
  assert.is(key(a), key(same));
  assert.is.not(key(a), key(builder));
  assert.is.not(key(a), key(blob));
  assert.match(key(a), /^[0-9a-f]{64}$/);
});

k('files outside the context never change the key', () => {
  const key = (extra: Record<string, string>) => {
    const r = imageKey(files({ 'x/Dockerfile': 'F', 'x/m.py': '1', ...extra }), 'x/Dockerfile', 'b1');
    return E.isRight(r) ? r.right.key : 'error';
  };
  fc.assert(fc.property(fc.dictionary(fc.stringMatching(/^(y|x-|xx|z\/x)[a-z\/]{0,8}[a-z]$/), fc.string()), (extra) => key(extra) === key({})), { numRuns: 200 });
});

k('a missing Dockerfile or a path outside the repository is an error', () => {
  const snap = files({ 'x/Dockerfile': 'F' });
  assert.equal(imageKey(snap, 'y/Dockerfile', 'b'), E.left({ _tag: 'DockerfileNotFound', dockerfilePath: 'y/Dockerfile' }));
  assert.equal(imageKey(snap, '../x/Dockerfile', 'b'), E.left({ _tag: 'InvalidDockerfilePath', dockerfilePath: '../x/Dockerfile', reason: 'must name a file inside the repository' }));
  assert.ok(E.isRight(imageKey(snap, 'x/Dockerfile', 'b')));
  assert.equal(imageKey(snap, './/x//Dockerfile', 'b'), imageKey(snap, 'x/Dockerfile', 'b'));
});

/** A context with a script and a file holding a link's target text, each mode as given. */
const scriptContext = (modes: { script?: FileInput['mode']; link?: FileInput['mode'] } = {}) =>
  snapshotFromFiles({ commit: 'c', files: [
    { path: 'app/Dockerfile', content: 'FROM alpine\nCOPY run.sh /run.sh\n' },
    { path: 'app/run.sh', content: '#!/bin/sh\necho hi\n', ...(modes.script ? { mode: modes.script } : {}) },
    { path: 'app/current', content: 'run.sh', ...(modes.link ? { mode: modes.link } : {}) },
  ] }).snapshot;
const keyOf = (snap: ReturnType<typeof scriptContext>): string => {
  const r = imageKey(snap, 'app/Dockerfile', 'docker-24');
  if (E.isLeft(r)) throw new Error(r.left._tag);
  return r.right.key;
};

k('regular files keep the key they had before modes entered it (no rebuild on upgrade)', () => {
  // Computed by the recipe that hashed paths and blob ids only.
  assert.is(keyOf(scriptContext()), 'c487486a5b75b4a0e43f0f60a09f6aaa3eaa2b678826d5bc42013cc6b4b8c296');
  assert.is(keyOf(scriptContext({ script: 'file', link: 'file' })), keyOf(scriptContext()));
});

k('chmod +x alone, or a file turned into a link with the same target text, changes the key (COPY keeps both)', () => {
  const plain = keyOf(scriptContext());
  const executable = keyOf(scriptContext({ script: 'executable' }));
  const linked = keyOf(scriptContext({ link: 'symlink' }));
  assert.not.equal(executable, plain);
  assert.not.equal(linked, plain);
  assert.not.equal(linked, executable);
  // The files of the key carry the mode, so a plan can say what changed.
  const r = imageKey(scriptContext({ script: 'executable', link: 'symlink' }), 'app/Dockerfile', 'docker-24');
  assert.equal(E.isRight(r) && r.right.files.map((f) => [f.path, f.mode]), [['app/Dockerfile', undefined], ['app/current', 'symlink'], ['app/run.sh', 'executable']]);
});

k.run();
