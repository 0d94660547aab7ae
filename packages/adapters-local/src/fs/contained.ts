/**
 * Path access confined to a root folder: every path hyperp reads from a repository or writes
 * under `.hyperp/` goes through here. A path is taken component by component, each `lstat`ed,
 * and no symbolic link is ever followed — not even one that points back inside the root — so a
 * link planted by a repository or a job can never lead hyperp out of its root. Links are data:
 * read as their target text (as git stores them), copied as links, never entered.
 *
 * The root itself is trusted (the repository the user named, a folder of `.hyperp/` that
 * `layout.ts` checked); only what lies below it is taken apart.
 */
import {
  closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync,
  writeFileSync, chmodSync, type Stats,
} from 'node:fs';
import { join } from 'node:path';

/** A path that would leave its root, or pass through something that is not a folder. */
export class PathEscapeError extends Error {
  override readonly name = 'PathEscapeError';
}

/**
 * The components of a relative path, or an error for one that could name something outside the
 * root (absolute, `..`, a NUL byte). `.` and empty components are dropped, as git and POSIX do.
 */
export const pathSegments = (rel: string): string[] => {
  if (rel.includes('\0')) throw new PathEscapeError(`${JSON.stringify(rel)} holds a NUL byte`);
  if (rel.startsWith('/')) throw new PathEscapeError(`${rel} is an absolute path, not one inside its folder`);
  const segments = rel.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new PathEscapeError(`${rel} goes up with "..", out of its folder`);
  return segments;
};

const lstatOrUndefined = (p: string): Stats | undefined => lstatSync(p, { throwIfNoEntry: false });

const describe = (s: Stats): string =>
  s.isSymbolicLink() ? 'a symbolic link' : s.isFile() ? 'a file' : s.isDirectory() ? 'a folder' : 'not a file or folder';

/** Why `shown` cannot be gone through: it is a link (never followed) or no folder. */
const notAFolder = (shown: string, s: Stats): PathEscapeError =>
  new PathEscapeError(s.isSymbolicLink()
    ? `${shown} is a symbolic link, not a folder; hyperp does not follow links`
    : `${shown} is ${describe(s)}, not a folder`);

/**
 * `root/rel` once every folder on the way is known to be a real folder (not a link): the last
 * component may be anything, or nothing yet. Throws `PathEscapeError` naming the component.
 */
export const resolveContained = (root: string, rel: string): string => {
  const segments = pathSegments(rel);
  let at = root;
  for (const [i, s] of segments.entries()) {
    const next = join(at, s);
    if (i === segments.length - 1) return next;
    const st = lstatOrUndefined(next);
    if (st === undefined) return join(next, ...segments.slice(i + 1));
    if (!st.isDirectory()) throw notAFolder(segments.slice(0, i + 1).join('/'), st);
    at = next;
  }
  return at;
};

/** `lstat` of `root/rel` through real folders only; undefined when it does not exist. */
export const lstatContained = (root: string, rel: string): Stats | undefined => lstatOrUndefined(resolveContained(root, rel));

/**
 * Makes `root/rel` and the folders above it, each a real folder: an existing link, file or other
 * entry on the way is an error (never followed, never replaced). Returns the folder's path.
 */
export const mkdirContained = (root: string, rel: string): string => {
  let at = root;
  for (const [i, s] of pathSegments(rel).entries()) {
    at = join(at, s);
    let st = lstatOrUndefined(at);
    if (st === undefined) {
      try {
        mkdirSync(at);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      st = lstatSync(at);
    }
    if (!st.isDirectory()) throw notAFolder(pathSegments(rel).slice(0, i + 1).join('/'), st);
  }
  return at;
};

/** What a repository path holds, read as git would store it. */
export type Entry =
  | { readonly _tag: 'File'; readonly bytes: Buffer; readonly mode: number }
  | { readonly _tag: 'Link'; readonly target: string }
  | { readonly _tag: 'Other'; readonly what: string };

/**
 * Reads `root/rel` without following links: a regular file's bytes and mode, a link's target
 * text, or what else it is; undefined when it does not exist. The file is opened with
 * O_NOFOLLOW, so a link swapped in after the `lstat` is refused rather than read.
 */
export const readContained = (root: string, rel: string): Entry | undefined => {
  const path = resolveContained(root, rel);
  const st = lstatOrUndefined(path);
  if (st === undefined) return undefined;
  if (st.isSymbolicLink()) return { _tag: 'Link', target: readlinkSync(path, 'utf8') };
  if (!st.isFile()) return { _tag: 'Other', what: describe(st) };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') return { _tag: 'Link', target: readlinkSync(path, 'utf8') };
    throw e;
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile()) return { _tag: 'Other', what: describe(now) };
    return { _tag: 'File', bytes: readFileSync(fd), mode: now.mode };
  } finally {
    closeSync(fd);
  }
};

/** The text git would hold for `root/rel`: a file's content, a link's target; undefined otherwise. */
export const readAsGit = (root: string, rel: string): Buffer | undefined => {
  const e = readContained(root, rel);
  return e?._tag === 'File' ? e.bytes : e?._tag === 'Link' ? Buffer.from(e.target, 'utf8') : undefined;
};

/** Writes a regular file at `root/rel` (folders made as by `mkdirContained`), never through a link. */
export const writeFileContained = (root: string, rel: string, bytes: Buffer | string, mode?: number): string => {
  const segments = pathSegments(rel);
  if (segments.length === 0) throw new PathEscapeError(`${JSON.stringify(rel)} names no file`);
  const path = join(mkdirContained(root, segments.slice(0, -1).join('/')), segments[segments.length - 1]!);
  writeNewFile(path, bytes, mode);
  return path;
};

/** Creates a file that must not exist yet: O_EXCL|O_NOFOLLOW, so no link or folder is ever written through. */
const writeNewFile = (path: string, bytes: Buffer | string, mode?: number): void => {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeFileSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
  if (mode !== undefined) chmodSync(path, mode & 0o777);
};

/** Makes a symbolic link at `root/rel` (folders made as by `mkdirContained`); its target is kept as text. */
export const symlinkContained = (root: string, rel: string, target: string): string => {
  const segments = pathSegments(rel);
  if (segments.length === 0) throw new PathEscapeError(`${JSON.stringify(rel)} names no link`);
  const path = join(mkdirContained(root, segments.slice(0, -1).join('/')), segments[segments.length - 1]!);
  symlinkSync(target, path);
  return path;
};

export interface CopyOptions {
  /** Whether a top-level entry that is a link is copied (a link at the top of an image root is not: it would become a mount). */
  readonly topLevelLinks?: boolean;
}

/** What a copy left out, as paths relative to the source with the reason. */
export type Skipped = readonly string[];

/**
 * Copies the tree `from` into the existing folder `to` with `lstat` semantics: folders and
 * regular files (with their permission bits), links recreated as links with the same target
 * text, never followed; sockets, devices and fifos left out. Returns what was left out.
 */
export const copyTreeContained = (from: string, to: string, opts: CopyOptions = {}): Skipped => {
  const skipped: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(from, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const src = join(from, r);
      const st = lstatSync(src);
      if (st.isDirectory()) {
        mkdirSync(join(to, r), { mode: st.mode & 0o777 | 0o700 });
        walk(r);
      } else if (st.isFile()) {
        const e = readContained(from, r);
        if (e?._tag !== 'File') skipped.push(`${r} (changed while it was copied)`);
        else writeNewFile(join(to, r), e.bytes, e.mode);
      } else if (st.isSymbolicLink()) {
        if (rel === '' && opts.topLevelLinks === false) skipped.push(`${r} (a symbolic link at the top of the image)`);
        else symlinkSync(readlinkSync(src, 'utf8'), join(to, r));
      } else skipped.push(`${r} (${describe(st)})`);
    }
  };
  walk('');
  return skipped;
};
