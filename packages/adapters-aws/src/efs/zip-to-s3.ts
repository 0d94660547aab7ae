/**
 * Zips a job's output folder on EFS into S3 as a stream: yazl reads one file at a time and
 * deflates it through zlib, and the archive goes up in multipart parts as it is made, so the
 * efs function zips outputs far larger than its memory or disk. yazl writes zip64 records where
 * the format needs them — a file or an archive over 4 GiB, or more than 65,535 entries (APPNOTE
 * 6.3.x, "4.4.1.4 / 4.3.14 Zip64"; yazl README, read 2026-12) — which fflate, used before, cannot.
 *
 * The folder is a job's, so hostile, and is read the way the local zip reads one
 * (adapters-local `artifacts/zip.ts`): walked without following anything, symbolic links and
 * FIFOs, sockets and devices skipped with a note, each file opened with O_NOFOLLOW and checked
 * to be the file the walk saw, and entry names made safe and unique by core's rules
 * (`names/zip-entries.ts`), so a job's zip has the same names wherever it ran. The notes are
 * returned and written in the zip's comment (`unzip -z`).
 *
 * S3 parts are 5 MiB to 5 GiB, at most 10,000 per upload (S3 User Guide, "Amazon S3 multipart
 * upload limits", read 2026-12): the part size grows with the output so any output fits.
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand,
  UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { printable, safePart, uniqueNames, zipComment } from '@hyperp/core/internal';
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';

export const DEFAULT_PART_BYTES = 8 * 1024 * 1024;
const MAX_PARTS = 10_000;
const MAX_PART_BYTES = 5 * 1024 ** 3;
const LSTAT_BATCH = 64;

export interface ZipResult {
  /** The zip's size. */
  readonly bytes: number;
  /** Files and empty folders stored. */
  readonly files: number;
  /** What was skipped or renamed, one line each. */
  readonly notes: readonly string[];
}

/** A file or an empty folder to store, as the walk found it. */
type Entry =
  | { readonly kind: 'file'; readonly path: Buffer; readonly name: string; readonly size: number; readonly mode: number; readonly mtime: Date; readonly ino: number; readonly dev: number }
  | { readonly kind: 'folder'; readonly name: string; readonly mode: number; readonly mtime: Date };

const other = (st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string =>
  st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : 'not a regular file';

/**
 * What `dir` holds, depth first in byte order of the names (read as bytes: a name that is not
 * UTF-8 still opens), with safe unique entry names; returns how many names `dir` held.
 */
const walk = async (dir: Buffer, prefix: string, unique: (name: string) => string, into: Entry[], notes: string[]): Promise<number> => {
  const names = (await readdir(dir, { encoding: 'buffer' })).sort(Buffer.compare);
  const paths = names.map((raw) => Buffer.concat([dir, Buffer.from('/'), raw]));
  // EFS answers each lstat in about a millisecond: a folder's are asked for a batch at a time.
  const stats: Stats[] = [];
  for (let i = 0; i < paths.length; i += LSTAT_BATCH) stats.push(...(await Promise.all(paths.slice(i, i + LSTAT_BATCH).map((p) => lstat(p)))));
  for (const [k, raw] of names.entries()) {
    const path = paths[k]!;
    const text = raw.toString('utf8');
    const shown = prefix === '' ? text : `${prefix}/${text}`;
    const st = stats[k]!;
    if (st.isSymbolicLink()) {
      notes.push(`skipped "${printable(shown)}": a symbolic link, not followed`);
      continue;
    }
    if (!st.isFile() && !st.isDirectory()) {
      notes.push(`skipped "${printable(shown)}": ${other(st)}`);
      continue;
    }
    const name = unique(prefix === '' ? safePart(text) : `${prefix}/${safePart(text)}`);
    if (name !== shown) notes.push(`"${printable(shown)}" stored as "${printable(name)}"`);
    if (st.isDirectory()) {
      const at = into.length;
      // An empty folder is kept as a folder entry; one with content is implied by its files.
      if ((await walk(path, name, unique, into, notes)) === 0) {
        into.splice(at, 0, { kind: 'folder', name, mode: constants.S_IFDIR | (st.mode & 0o777) | 0o700, mtime: st.mtime });
      }
    } else {
      into.push({ kind: 'file', path, name, size: st.size, mode: constants.S_IFREG | (st.mode & 0o777), mtime: st.mtime, ino: st.ino, dev: st.dev });
    }
  }
  return names.length;
};

/** Opens a file the walk found, refusing anything that is no longer that regular file. */
const openEntry = async (f: Extract<Entry, { kind: 'file' }>): Promise<Readable> => {
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

/** A part size that fits an archive of about `estimate` bytes in S3's 10,000 parts. */
export const partBytesFor = (estimate: number, minimum = DEFAULT_PART_BYTES): number =>
  Math.min(MAX_PART_BYTES, Math.max(minimum, Math.ceil(estimate / (MAX_PARTS - 1))));

/** The archive yazl streams for `entries`, with `notes` as its comment. */
const archiveOf = (entries: readonly Entry[], notes: readonly string[], fail: (e: Error) => void): Readable => {
  const zip = new ZipFile();
  zip.on('error', fail);
  for (const e of entries) {
    if (e.kind === 'folder') {
      zip.addEmptyDirectory(e.name, { mtime: e.mtime, mode: e.mode });
      continue;
    }
    if (e.size === 0) {
      // Nothing to read: the walk saw an empty regular file, and stored it is empty. Not opening
      // it saves a file system round trip per marker file (EFS answers in milliseconds).
      zip.addBuffer(Buffer.alloc(0), e.name, { mtime: e.mtime, mode: e.mode, compress: false });
      continue;
    }
    zip.addReadStreamLazy(e.name, { size: e.size, mtime: e.mtime, mode: e.mode }, (cb) => {
      openEntry(e).then((s) => {
        s.on('error', fail);
        cb(null, s);
      }, fail);
    });
  }
  // yazl takes a Buffer comment as it is (its types say string only).
  zip.end({ forceZip64Format: false, comment: Buffer.from(zipComment(notes), 'latin1') as unknown as string });
  return zip.outputStream as Readable;
};

export const zipDirectoryToS3 = async (
  s3: Pick<S3Client, 'send'>,
  dir: string,
  bucket: string,
  key: string,
  minimumPartBytes = DEFAULT_PART_BYTES,
): Promise<ZipResult> => {
  // The folder itself is hyperp's (its layout path is a link the efs function made); what is in it is the job's.
  if (!(await stat(dir)).isDirectory()) throw new Error(`${dir} is not a folder`);
  const entries: Entry[] = [];
  const notes: string[] = [];
  await walk(Buffer.from(dir), '', uniqueNames(), entries, notes);
  // Deflate grows incompressible data by well under 1%; headers take about 100 bytes per entry, twice.
  const estimate = entries.reduce((n, e) => n + (e.kind === 'file' ? e.size * 1.01 : 0) + 2 * (110 + Buffer.byteLength(e.name)), 65_536);
  const partBytes = partBytesFor(estimate, minimumPartBytes);

  let failure: Error | null = null;
  const archive = archiveOf(entries, notes, (e) => {
    failure ??= e;
    archive.destroy(e);
  });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;
  const take = (): Buffer => {
    const b = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    return b;
  };
  let uploadId: string | undefined;
  const parts: { ETag: string; PartNumber: number }[] = [];
  const flushPart = async (): Promise<void> => {
    if (!uploadId) {
      const r = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'application/zip' }));
      uploadId = r.UploadId;
    }
    const PartNumber = parts.length + 1;
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: take() }));
    parts.push({ ETag: r.ETag ?? '', PartNumber });
  };

  try {
    // Reading the archive one chunk at a time holds yazl back while a part goes up.
    for await (const chunk of archive) {
      pending.push(chunk as Buffer);
      pendingBytes += (chunk as Buffer).length;
      total += (chunk as Buffer).length;
      if (pendingBytes >= partBytes) await flushPart();
    }
    if (failure) throw failure;
    if (!uploadId) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: take(), ContentType: 'application/zip' }));
    } else {
      if (pendingBytes > 0) await flushPart();
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    }
    return { bytes: total, files: entries.length, notes };
  } catch (e) {
    archive.destroy();
    if (uploadId) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw failure ?? e;
  }
};
