/**
 * `RepoSnapshot`s from a local git repository: the files of a commit, or of the working tree as
 * it is now (uncommitted edits and new files that are not ignored included). `dir` may be any
 * folder of the repository; paths are then relative to it and only files below it are listed,
 * so a repository can keep hyperp's files in a subfolder.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoFile, RepoSnapshot } from '@hyperp/core';
import { repoFileOf } from '@hyperp/core/internal';
import { GitError, NotAGitRepository, git, gitSync, gitText, records } from './git.js';
import { readAsGit } from '../fs/contained.js';

interface Location {
  /** The repository's top folder. */
  readonly top: string;
  /** `dir` relative to `top`, with a trailing `/`; '' at the top. */
  readonly prefix: string;
}

const locate = async (dir: string): Promise<Location> => {
  try {
    const [top, prefix] = (await gitText(dir, ['rev-parse', '--show-toplevel', '--show-prefix'])).split('\n');
    return { top: top!, prefix: prefix ?? '' };
  } catch (e) {
    throw new NotAGitRepository(`${dir} is not inside a git repository (${(e as Error).message})`);
  }
};

// Pathspecs are taken literally: a folder named `a*` must not match `ab`.
const literal = ['--literal-pathspecs'];
const pathspec = (loc: Location): string[] => (loc.prefix === '' ? [] : ['--', loc.prefix]);
const relative = (loc: Location, full: string): string => full.slice(loc.prefix.length);
const byPath = (a: RepoFile, b: RepoFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Blob entries of a commit's tree below the prefix (submodules and trees left out). */
const treeFiles = async (loc: Location, commit: string): Promise<RepoFile[]> =>
  records(await git(loc.top, [...literal, 'ls-tree', '-r', '-z', commit, ...pathspec(loc)]))
    .flatMap((rec) => {
      const tab = rec.indexOf('\t');
      const [mode, type, blob] = rec.slice(0, tab).split(' ');
      return type === 'blob' ? [repoFileOf(relative(loc, rec.slice(tab + 1)), blob!, mode)] : [];
    })
    .sort(byPath);

const resolveCommit = async (loc: Location, rev: string): Promise<string> => {
  try {
    return await gitText(loc.top, ['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`]);
  } catch {
    throw new GitError(`${rev} is not a commit of the repository at ${loc.top}`);
  }
};

/** The files of commit `rev` below `dir`; contents are read with `git cat-file` when asked for. */
export const snapshotCommit = async (dir: string, rev: string = 'HEAD'): Promise<RepoSnapshot> => {
  const loc = await locate(dir);
  const commit = await resolveCommit(loc, rev);
  const files = await treeFiles(loc, commit);
  const blobs = new Map(files.map((f) => [f.path, f.blob]));
  const cache = new Map<string, string>();
  const read = (path: string): string | undefined => {
    const blob = blobs.get(path);
    if (blob === undefined) return undefined;
    if (!cache.has(blob)) cache.set(blob, gitSync(loc.top, ['cat-file', 'blob', blob]).toString('utf8'));
    return cache.get(blob);
  };
  // Known before reading: validation refuses a huge file without loading it.
  const size = (path: string): number | undefined => {
    const blob = blobs.get(path);
    return blob === undefined ? undefined : Number(gitSync(loc.top, ['cat-file', '-s', blob]).toString('utf8').trim());
  };
  return { commit, dirty: false, files, read, size };
};

/**
 * Blob ids and git modes of working-tree files, as `git add` would record them (clean filters and
 * line-ending rules of the path applied; executable when the owner may run it, as git decides).
 * Symbolic links hash their target, as git stores them.
 */
const hashWorkingFiles = async (loc: Location, paths: readonly string[]): Promise<Map<string, { blob: string; mode: string }>> => {
  const out = new Map<string, { blob: string; mode: string }>();
  const regular: { path: string; mode: string }[] = [];
  for (const p of paths) {
    const stat = lstatSync(join(loc.top, p), { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isSymbolicLink()) {
      out.set(p, { blob: await gitText(loc.top, ['hash-object', '--stdin'], readlinkSync(join(loc.top, p))), mode: '120000' });
    } else if (stat.isFile()) {
      regular.push({ path: p, mode: (stat.mode & 0o100) !== 0 ? '100755' : '100644' });
    }
  }
  // Paths go as arguments (any character is safe there), in chunks that fit a command line.
  for (let k = 0; k < regular.length; k += 200) {
    const chunk = regular.slice(k, k + 200);
    const ids = (await gitText(loc.top, ['hash-object', '--', ...chunk.map((f) => f.path)])).split('\n');
    chunk.forEach((f, i) => out.set(f.path, { blob: ids[i]!, mode: f.mode }));
  }
  return out;
};

/**
 * The working tree below `dir` as it is now: tracked files with their uncommitted edits, staged
 * or not, plus untracked files that `.gitignore` does not exclude; deleted files are left out.
 * `commit` is HEAD ('' before the first commit); `dirty` is true when the listing differs from
 * HEAD's below `dir`. Contents are read from disk when asked for, as git would store them: a
 * symbolic link reads as its target text, never as the file it points to (so a workflow or
 * task definition read here is what a push of the same tree gives on AWS).
 */
export const snapshotWorkingTree = async (dir: string): Promise<RepoSnapshot> => {
  const loc = await locate(dir);
  const head = await gitText(loc.top, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '');
  const ls = (args: string[]): Promise<string[]> =>
    git(loc.top, [...literal, 'ls-files', '-z', ...args, ...pathspec(loc)]).then(records);
  const [staged, modified, deleted, untracked] = await Promise.all([
    ls(['--stage']),
    ls(['--modified']),
    ls(['--deleted']),
    ls(['--others', '--exclude-standard']),
  ]);
  const gone = new Set(deleted);
  const index = new Map<string, { blob: string; mode: string }>();
  const toHash = new Set<string>();
  for (const rec of staged) {
    const tab = rec.indexOf('\t');
    const [mode, blob, stage] = rec.slice(0, tab).split(' ');
    const path = rec.slice(tab + 1);
    if (mode === '160000' || gone.has(path)) continue; // submodules are not files of this repo
    if (stage === '0') index.set(path, { blob: blob!, mode: mode! });
    else toHash.add(path); // a merge conflict: the working file is what the user has
  }
  for (const p of modified) if (!gone.has(p)) toHash.add(p);
  // A nested repository shows up as `dir/`; it is not part of this one.
  for (const p of untracked) if (!p.endsWith('/')) toHash.add(p);
  const hashed = await hashWorkingFiles(loc, [...toHash]);
  const entries = new Map([...index, ...hashed]);
  const files = [...entries].map(([full, e]) => repoFileOf(relative(loc, full), e.blob, e.mode)).sort(byPath);

  const base = head === '' ? [] : await treeFiles(loc, head);
  const dirty = base.length !== files.length ||
    base.some((f, k) => f.path !== files[k]!.path || f.blob !== files[k]!.blob || f.mode !== files[k]!.mode);
  const listed = new Set(files.map((f) => f.path));
  const root = join(loc.top, loc.prefix);
  const read = (path: string): string | undefined => {
    if (!listed.has(path)) return undefined;
    try {
      return readAsGit(root, path)?.toString('utf8');
    } catch {
      return undefined; // removed or replaced since the listing was taken
    }
  };
  const size = (path: string): number | undefined => (listed.has(path) ? lstatSync(join(root, path), { throwIfNoEntry: false })?.size : undefined);
  return { commit: head, dirty, files, read, size };
};
