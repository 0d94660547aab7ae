/**
 * The walk over a job's output folder that decides what goes into its zip, and the yazl archive
 * made from what it found. Both zips use it: the local one (`artifacts/zip.ts`, written to a
 * file) and the AWS one (adapters-aws `efs/zip-to-s3.ts`, streamed to S3 by the efs function),
 * so a job's zip holds the same entries, names and notes wherever it ran. It is exported as
 * `@hyperp/adapters-local/output-walk` for that.
 *
 * An output folder is a job's, so hostile: it is walked with lstat semantics and nothing in it
 * is followed on the host. Regular files and folders are zipped; symbolic links are skipped with
 * a note (a link's target would be read on the host — `/proc/self/environ`, `/root/…` — and a
 * link stored as a link lets a careless extractor write through it); FIFOs, sockets and devices
 * are skipped with a note and never opened (opening a FIFO blocks for ever). Each file is opened
 * with O_NOFOLLOW, and checked to be the regular file the walk saw. Names are made safe for
 * every extractor (core's `names/zip-entries.ts`); a renamed entry gets a note. Set-id and
 * sticky bits are not stored. The archive streams (yazl reads one file at a time and deflates it
 * through zlib), so memory stays bounded and the event loop keeps turning whatever the sizes.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { printable, safePart, uniqueNames, zipComment } from '@hyperp/core/internal';

/** A file or an empty folder to store, as the walk found it. */
export type Found =
  | { readonly kind: 'file'; readonly path: Buffer; readonly name: string; readonly size: number; readonly mode: number; readonly mtime: Date; readonly ino: number; readonly dev: number }
  | { readonly kind: 'folder'; readonly name: string; readonly mode: number; readonly mtime: Date };

export interface Walked {
  /** What to store, depth first in byte order of the names. */
  readonly found: Found[];
  /** What was skipped or renamed, one line each. */
  readonly notes: string[];
}

// EFS answers each lstat in about a millisecond: a folder's are asked for a batch at a time.
const LSTAT_BATCH = 64;
const SLASH = Buffer.from('/');

const kindOf = (st: Stats): string =>
  st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : 'not a regular file';

/** A failure that names the entry by its path in the output (a host path can be kilobytes long). */
const cannotRead = (shown: string) => (e: NodeJS.ErrnoException): never => {
  throw new Error(`cannot read "${printable(shown)}" in the output: ${e.code ?? e.message}`);
};

/** The lstat of each path, `LSTAT_BATCH` at a time. */
const lstatAll = async (paths: readonly Buffer[], shown: readonly string[]): Promise<Stats[]> => {
  const stats: Stats[] = [];
  for (let i = 0; i < paths.length; i += LSTAT_BATCH) {
    stats.push(...(await Promise.all(paths.slice(i, i + LSTAT_BATCH).map((p, k) => lstat(p).catch(cannotRead(shown[i + k]!))))));
  }
  return stats;
};

/**
 * Lists what `dir` holds into `into`, without following anything: names are read as bytes (a
 * name that is not UTF-8 still opens), entry names made safe and unique. Returns how many names
 * `dir` held.
 */
const walkInto = async (dir: Buffer, prefix: string, unique: (name: string) => string, into: Found[], notes: string[], signal?: AbortSignal): Promise<number> => {
  signal?.throwIfAborted();
  const names = (await readdir(dir, { encoding: 'buffer' }).catch(cannotRead(prefix === '' ? '.' : prefix))).sort(Buffer.compare);
  const paths = names.map((raw) => Buffer.concat([dir, SLASH, raw]));
  const shown = names.map((raw) => (prefix === '' ? raw.toString('utf8') : `${prefix}/${raw.toString('utf8')}`));
  const stats = await lstatAll(paths, shown);
  for (const [k, raw] of names.entries()) {
    const path = paths[k]!;
    const st = stats[k]!;
    const here = shown[k]!;
    if (st.isSymbolicLink()) {
      const target = (await readlink(path, { encoding: 'buffer' }).catch(() => Buffer.from('?'))).toString('utf8');
      notes.push(`skipped "${printable(here)}": a symbolic link (to "${printable(target)}"), not followed`);
      continue;
    }
    if (!st.isFile() && !st.isDirectory()) {
      notes.push(`skipped "${printable(here)}": ${kindOf(st)}`);
      continue;
    }
    const part = safePart(raw.toString('utf8'));
    const name = unique(prefix === '' ? part : `${prefix}/${part}`);
    if (name !== here) notes.push(`"${printable(here)}" stored as "${printable(name)}"`);
    // Permission bits only: set-user-id, set-group-id and sticky bits are not the job's to hand on.
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      const at = into.length;
      // An empty folder is kept as a folder entry; one with content is implied by its files.
      if ((await walkInto(path, name, unique, into, notes, signal)) === 0) {
        into.splice(at, 0, { kind: 'folder', name, mode: constants.S_IFDIR | mode | 0o700, mtime: st.mtime });
      }
    } else {
      into.push({ kind: 'file', path, name, size: st.size, mode: constants.S_IFREG | mode, mtime: st.mtime, ino: st.ino, dev: st.dev });
    }
  }
  return names.length;
};

/**
 * What the folder `dir` holds, to be zipped; `dir` itself is the caller's to check (it may be
 * hyperp's own link to the folder). A cancel stops the walk between folders.
 */
export const walkOutput = async (dir: string, signal?: AbortSignal): Promise<Walked> => {
  const found: Found[] = [];
  const notes: string[] = [];
  await walkInto(Buffer.from(dir), '', uniqueNames(), found, notes, signal);
  return { found, notes };
};

/** Opens a non-empty file the walk found, refusing anything that is no longer that regular file. */
const openFound = async (f: Extract<Found, { kind: 'file' }>): Promise<Readable> => {
  // O_NONBLOCK: a FIFO swapped in since the walk must not block the open.
  const fh = await open(f.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch((e: NodeJS.ErrnoException) => {
    throw new Error(e.code === 'ELOOP' ? `"${printable(f.name)}" became a symbolic link while it was zipped` : `cannot read "${printable(f.name)}": ${e.message}`);
  });
  const st = await fh.stat();
  if (!st.isFile() || st.ino !== f.ino || st.dev !== f.dev) {
    await fh.close();
    throw new Error(`"${printable(f.name)}" changed while it was zipped`);
  }
  // Exactly the size the entry announced: yazl chose its zip64 records from it.
  return fh.createReadStream({ start: 0, end: f.size - 1 });
};

export interface Archive {
  /** The zip's bytes, made as they are read. */
  readonly output: Readable;
  /** Stops reading the file being zipped (after a failure or a cancel). */
  readonly stop: () => void;
}

/**
 * The zip yazl streams for what the walk found, with its notes as the comment (core's
 * `zipComment`). Each file is opened only when yazl comes to it; any failure goes to `fail`.
 */
export const archiveOf = ({ found, notes }: Walked, fail: (e: Error) => void): Archive => {
  const zip = new ZipFile();
  let current: Readable | undefined;
  zip.on('error', fail);
  for (const f of found) {
    if (f.kind === 'folder') {
      zip.addEmptyDirectory(f.name, { mtime: f.mtime, mode: f.mode });
      continue;
    }
    if (f.size === 0) {
      // Nothing to read: the walk saw an empty regular file, and it is stored empty. Not opening
      // it saves a file system round trip per marker file (EFS answers in milliseconds).
      zip.addBuffer(Buffer.alloc(0), f.name, { mtime: f.mtime, mode: f.mode, compress: false });
      continue;
    }
    zip.addReadStreamLazy(f.name, { size: f.size, mtime: f.mtime, mode: f.mode }, (cb) => {
      openFound(f).then((s) => {
        current = s;
        s.on('error', fail);
        cb(null, s);
      }, fail);
    });
  }
  zip.outputStream.on('error', fail);
  // yazl takes a Buffer comment as it is (its types say string only); the comment is ASCII.
  zip.end({ forceZip64Format: false, comment: Buffer.from(zipComment(notes), 'latin1') as unknown as string });
  return { output: zip.outputStream as Readable, stop: () => current?.destroy() };
};
