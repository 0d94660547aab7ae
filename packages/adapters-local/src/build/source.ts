/**
 * Build contexts read from the repository snapshot the run was planned on: the same file list
 * (after `.dockerignore`, by core's `contextFiles`) that made the image key, with contents from
 * the working tree, or from git's object store for a commit (by blob id, so the bytes are exactly
 * those the key hashed).
 *
 * Either way a file is what git holds: a symbolic link is its target text (it lands in the image
 * as a link, as Docker copies it), never the file it points to, and the mode is git's — 0o755 when
 * the owner may run the working tree's file or git records `100755` for a commit, else 0o644 —
 * the mode the image key hashed.
 */
import { execFileSync } from 'node:child_process';
import * as E from 'fp-ts/lib/Either.js';
import { describeImageKeyError, type RepoSnapshot } from '@hyperp/core';
import { contextFiles } from '@hyperp/core/internal';
import type { BuildSource } from '../driver/interpreter.js';
import type { BuildContext } from './layout.js';
import { readContained, type Entry } from '../fs/contained.js';
import { records } from '../repo/git.js';

type ContextEntry = { readonly bytes: Buffer; readonly mode: number; readonly link?: string };

/** git's modes of a commit's files below `repoDir` (paths relative to it), read once. */
const commitModes = (repoDir: string, commit: string): Map<string, string> => {
  const out = execFileSync('git', ['--literal-pathspecs', 'ls-tree', '-r', '-z', commit], { cwd: repoDir, maxBuffer: 1 << 30 });
  return new Map(records(out).map((rec) => {
    const tab = rec.indexOf('\t');
    return [rec.slice(tab + 1), rec.slice(0, rec.indexOf(' '))];
  }));
};

const fromWorkingTree = (repoDir: string, path: string): ContextEntry => {
  let e: Entry | undefined;
  try {
    e = readContained(repoDir, path);
  } catch (err) {
    throw new Error(`${path} cannot be read from the working tree: ${(err as Error).message}`);
  }
  if (e === undefined) throw new Error(`${path} is no longer in the working tree (it changed since the run was planned)`);
  if (e._tag === 'Link') return { bytes: Buffer.from(e.target, 'utf8'), mode: 0o777, link: e.target };
  if (e._tag === 'Other') throw new Error(`${path} is ${e.what} in the working tree, not a file git could hold`);
  // Git's two modes, as a commit and the AWS context give them and the image key hashes them: a
  // file's other bits (0o744, 0o600) would make another image under the same key.
  return { bytes: e.bytes, mode: (e.mode & 0o100) !== 0 ? 0o755 : 0o644 };
};

const fromCommit = (repoDir: string, blob: string, gitMode: string | undefined): ContextEntry => {
  const bytes = execFileSync('git', ['cat-file', 'blob', blob], { cwd: repoDir, maxBuffer: 1 << 30 });
  if (gitMode === '120000') return { bytes, mode: 0o777, link: bytes.toString('utf8') };
  return { bytes, mode: gitMode === '100755' ? 0o755 : 0o644 };
};

export const snapshotBuildSource = (repoDir: string, snapshot: RepoSnapshot, workingTree: boolean): BuildSource => {
  let modes: Map<string, string> | undefined;
  return {
    context: (dockerfilePath) => {
      const r = contextFiles(snapshot, dockerfilePath);
      if (E.isLeft(r)) return { error: describeImageKeyError(r.left) };
      const { context, files } = r.right;
      const prefix = context === '' ? '' : `${context}/`;
      // A Dockerfile its .dockerignore lists makes the image but is not copied into it (Docker's rule).
      const copied = r.right.dockerfileIgnored ? files.filter((f) => f.path !== r.right.dockerfilePath) : files;
      const blobs = new Map(copied.map((f) => [f.path.slice(prefix.length), f.blob]));
      const dockerfile = snapshot.read(r.right.dockerfilePath);
      if (dockerfile === undefined) return { error: `Dockerfile ${dockerfilePath} cannot be read` };
      // read, mode and link are asked for one after the other: each file is read once.
      let last: { path: string; entry: ContextEntry } | undefined;
      const entry = (p: string): ContextEntry => {
        if (last?.path === p) return last.entry;
        const e = workingTree
          ? fromWorkingTree(repoDir, prefix + p)
          : fromCommit(repoDir, blobs.get(p)!, (modes ??= commitModes(repoDir, snapshot.commit)).get(prefix + p));
        last = { path: p, entry: e };
        return e;
      };
      const buildContext: BuildContext = {
        files: [...blobs.keys()].sort(),
        read: (p) => entry(p).bytes,
        mode: (p) => entry(p).mode,
        link: (p) => entry(p).link,
      };
      return { dockerfile, files: buildContext };
    },
  };
};
