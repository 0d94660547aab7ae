/**
 * A `RepoSnapshot` of a folder that is not in a git repository, so `hyperp validate` and
 * friends work on a plain checkout too. Blob ids are computed as git computes them for files
 * without filters: SHA-1 of `blob <size>\0<content>`; modes as git records them (an executable,
 * a symbolic link).
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoFile, RepoSnapshot } from '@hyperp/core';
import { NotAGitRepository } from './git.js';
import { snapshotWorkingTree } from './snapshot.js';
import { readAsGit } from '../fs/contained.js';

/** Folders that are never part of a workflow repository's content. */
const skipped = new Set(['.git', '.hyperp', 'node_modules']);

export const gitBlobId = (content: Buffer): string =>
  createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

export const snapshotFolder = (dir: string): RepoSnapshot => {
  const files: RepoFile[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      if (skipped.has(name)) continue;
      const path = rel === '' ? name : `${rel}/${name}`;
      const stat = lstatSync(join(dir, path));
      if (stat.isDirectory()) walk(path);
      else if (stat.isSymbolicLink()) files.push({ path, blob: gitBlobId(Buffer.from(readlinkSync(join(dir, path)))), mode: 'symlink' });
      else if (stat.isFile()) {
        const blob = gitBlobId(readFileSync(join(dir, path)));
        // Executable when the owner may run it: what git records (100755) and Docker's COPY keeps.
        files.push((stat.mode & 0o100) !== 0 ? { path, blob, mode: 'executable' } : { path, blob });
      }
    }
  };
  walk('');
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const listed = new Set(files.map((f) => f.path));
  const read = (path: string): string | undefined => {
    if (!listed.has(path)) return undefined;
    try {
      // As git would store it: a link reads as its target text, never as what it points to.
      return readAsGit(dir, path)?.toString('utf8');
    } catch {
      return undefined;
    }
  };
  const size = (path: string): number | undefined => (listed.has(path) ? lstatSync(join(dir, path), { throwIfNoEntry: false })?.size : undefined);
  return { commit: '', dirty: true, files, read, size };
};

/** The git working tree when `dir` is in a git repository, else the plain folder. */
export const snapshotDirectory = async (dir: string): Promise<RepoSnapshot> => {
  try {
    return await snapshotWorkingTree(dir);
  } catch (e) {
    if (e instanceof NotAGitRepository) return snapshotFolder(dir);
    throw e;
  }
};
