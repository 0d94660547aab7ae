/**
 * Downloadable zips of a job's output, streamed (yazl: deflate through zlib streams, zip64 for
 * files and archives over 4 GiB), so memory stays bounded whatever the output's size and the
 * event loop keeps turning. Written under a temporary name beside the target and renamed, so a
 * reader never sees half a zip, and nothing is left behind when zipping fails or is cancelled.
 *
 * An output folder is a job's, so hostile: it is walked with lstat semantics and nothing in it
 * is followed on the host. Regular files and folders are zipped; symbolic links are skipped with
 * a note (a link's target would be read on the host — `/proc/self/environ`, `/root/…` — and a
 * link stored as a link lets a careless extractor write through it); FIFOs, sockets and devices
 * are skipped with a note and never opened (opening a FIFO blocks for ever). Each file is opened
 * with O_NOFOLLOW, and checked to be the regular file the walk saw. Names are made safe for
 * every extractor (core's `names/zip-entries.ts`); a renamed entry gets a note. The notes are returned and
 * written in the zip's comment (`unzip -z`).
 */
import { constants, createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { printable, safePart, uniqueNames, zipComment } from '@hyperp/core/internal';

export interface ZipResult {
  /** The zip's size. */
  readonly bytes: number;
  /** Files and folders stored. */
  readonly entries: number;
  /** What was skipped or renamed, one line each. */
  readonly notes: readonly string[];
}

export interface ZipOptions {
  /** Stops the zipping: the promise rejects and the temporary file is removed. */
  readonly signal?: AbortSignal;
}

/** A file or an empty folder to store, found by the walk. */
type Found =
  | { readonly kind: 'file'; readonly path: Buffer; readonly name: string; readonly size: number; readonly mode: number; readonly mtime: Date; readonly ino: number; readonly dev: number }
  | { readonly kind: 'folder'; readonly name: string; readonly mode: number; readonly mtime: Date };

const SLASH = Buffer.from('/');
const joinPath = (dir: Buffer, name: Buffer): Buffer => Buffer.concat([dir, SLASH, name]);

const kindOf = (st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string =>
  st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : 'not a regular file';

/** A failure that names the entry by its path in the output (a host path can be kilobytes long). */
const cannotRead = (shown: string) => (e: NodeJS.ErrnoException): never => {
  throw new Error(`cannot read "${printable(shown)}" in the output: ${e.code ?? e.message}`);
};

/**
 * Lists what `dir` holds, depth first in name order, without following anything: names are read
 * as bytes (a name that is not UTF-8 still opens), entry names made safe and unique.
 */
const walk = async (dir: Buffer, prefix: string, unique: (name: string) => string, into: Found[], notes: string[]): Promise<number> => {
  const names = (await readdir(dir, { encoding: 'buffer' }).catch(cannotRead(prefix === '' ? '.' : prefix))).sort(Buffer.compare);
  for (const raw of names) {
    const path = joinPath(dir, raw);
    const shown = prefix === '' ? raw.toString('utf8') : `${prefix}/${raw.toString('utf8')}`;
    const st = await lstat(path).catch(cannotRead(shown));
    if (st.isSymbolicLink()) {
      const target = (await readlink(path, { encoding: 'buffer' }).catch(() => Buffer.from('?'))).toString('utf8');
      notes.push(`skipped "${printable(shown)}": a symbolic link (to "${printable(target)}"), not followed`);
      continue;
    }
    if (!st.isFile() && !st.isDirectory()) {
      notes.push(`skipped "${printable(shown)}": ${kindOf(st)}`);
      continue;
    }
    const wanted = prefix === '' ? safePart(raw.toString('utf8')) : `${prefix}/${safePart(raw.toString('utf8'))}`;
    const name = unique(wanted);
    if (name !== shown) notes.push(`"${printable(shown)}" stored as "${printable(name)}"`);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      const at = into.length;
      const inside = await walk(path, name, unique, into, notes);
      // An empty folder is kept as a folder entry; one with content is implied by its files.
      if (inside === 0) into.splice(at, 0, { kind: 'folder', name, mode: constants.S_IFDIR | mode | 0o700, mtime: st.mtime });
    } else {
      into.push({ kind: 'file', path, name, size: st.size, mode: constants.S_IFREG | mode, mtime: st.mtime, ino: st.ino, dev: st.dev });
    }
  }
  return names.length;
};

/** Opens a file the walk found, refusing anything that is no longer that regular file. */
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
  // Exactly the size the entry announced (zip64 is chosen from it before the data is written).
  return f.size === 0 ? fh.createReadStream() : fh.createReadStream({ start: 0, end: f.size - 1 });
};

/** The zip's comment (core's `zipComment`), as the bytes yazl writes as they are. */
const commentOf = (notes: readonly string[]): Buffer => Buffer.from(zipComment(notes), 'latin1');

/**
 * Zips what `dir` holds (paths relative to it) into `zipFile`. A missing `dir` gives an empty zip.
 */
export const zipDirectory = async (dir: string, zipFile: string, o: ZipOptions = {}): Promise<ZipResult> => {
  o.signal?.throwIfAborted();
  const notes: string[] = [];
  const found: Found[] = [];
  const top = await lstat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (top !== null && !top.isDirectory()) throw new Error(`${dir} is not a folder`);
  if (top !== null) await walk(Buffer.from(dir), '', uniqueNames(), found, notes);
  o.signal?.throwIfAborted();

  await mkdir(dirname(zipFile), { recursive: true });
  const tmp = `${zipFile}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  // 'wx': never through whatever may already lie at that name.
  const out = createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
  const zip = new ZipFile();
  let current: Readable | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        current?.destroy();
        out.destroy();
        reject(e instanceof Error ? e : new Error(String(e)));
      };
      const onAbort = () => fail(o.signal!.reason ?? new Error('zipping was cancelled'));
      o.signal?.addEventListener('abort', onAbort, { once: true });
      out.on('error', fail);
      out.on('close', () => {
        o.signal?.removeEventListener('abort', onAbort);
        if (!settled) {
          settled = true;
          resolve();
        }
      });
      zip.on('error', fail);
      for (const f of found) {
        if (f.kind === 'folder') {
          zip.addEmptyDirectory(f.name, { mtime: f.mtime, mode: f.mode });
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
      zip.outputStream.pipe(out);
      // yazl takes a Buffer comment as it is (its types say string only).
      zip.end({ forceZip64Format: false, comment: commentOf(notes) as unknown as string });
    });
    const bytes = out.bytesWritten;
    await rename(tmp, zipFile);
    return { bytes, entries: found.length, notes };
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
};

/** The notes of a job's zip as lines for the person watching: the first few, then how many more. */
export const zipNotes = (job: string, notes: readonly string[], shown = 5): string[] => [
  ...notes.slice(0, shown).map((n) => `job "${printable(job)}" zip: ${n}`),
  ...(notes.length > shown ? [`job "${printable(job)}" zip: ${notes.length - shown} more notes (unzip -z shows them all)`] : []),
];
