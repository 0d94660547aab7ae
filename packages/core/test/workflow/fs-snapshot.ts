// A RepoSnapshot of a plain folder, for core's tests: blob ids computed the way git does, so
// core's tests need neither git nor the adapters.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RepoSnapshot } from '../../src/repo/snapshot.js';

export const blobId = (content: Buffer | string): string => {
  const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
};

/** A snapshot of in-memory files (path → text). */
export const memorySnapshot = (files: Record<string, string>, commit = 'c0ffee'): RepoSnapshot => ({
  commit,
  dirty: false,
  files: Object.keys(files)
    .sort()
    .map((path) => ({ path, blob: blobId(files[path]!) })),
  read: (path) => files[path],
});

/** A snapshot of every file below `dir` (expected.json files of fixtures left out). */
export const folderSnapshot = (dir: string): RepoSnapshot => {
  const walk = (d: string): string[] =>
    readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  const files: Record<string, string> = {};
  for (const f of walk(dir)) {
    const path = relative(dir, f).split(sep).join('/');
    if (path !== 'expected.json') files[path] = readFileSync(f, 'utf8');
  }
  return memorySnapshot(files);
};
