/**
 * Build contexts read from the repository snapshot the run was planned on: the same file list
 * (after `.dockerignore`, by core's `contextFiles`) that made the image key, with contents from
 * the working tree, or from git's object store for a commit (by blob id, so the bytes are exactly
 * those the key hashed).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { contextFiles, describeImageKeyError, type RepoSnapshot } from '@hyperp/core';
import type { BuildSource } from '../driver/interpreter.js';

export const snapshotBuildSource = (repoDir: string, snapshot: RepoSnapshot, workingTree: boolean): BuildSource => ({
  context: (dockerfilePath) => {
    const r = contextFiles(snapshot, dockerfilePath);
    if (E.isLeft(r)) return { error: describeImageKeyError(r.left) };
    const { context, files } = r.right;
    const prefix = context === '' ? '' : `${context}/`;
    const blobs = new Map(files.map((f) => [f.path.slice(prefix.length), f.blob]));
    const dockerfile = snapshot.read(r.right.dockerfilePath);
    if (dockerfile === undefined) return { error: `Dockerfile ${dockerfilePath} cannot be read` };
    return {
      dockerfile,
      files: {
        files: [...blobs.keys()].sort(),
        read: (p) => (workingTree ? readFileSync(join(repoDir, prefix + p)) : execFileSync('git', ['cat-file', 'blob', blobs.get(p)!], { cwd: repoDir, maxBuffer: 1 << 30 })),
        // git keeps only the executable bit; the working tree has the real mode.
        mode: (p) => (workingTree ? statSync(join(repoDir, prefix + p)).mode : 0o644),
      },
    };
  },
});
