/**
 * A build context as a deterministic tar.gz (tar-stream, gzip by node:zlib): entries in path
 * order, each directory once before its first entry, fixed owner, time and modes from git's
 * (0644, 0755, symbolic links as links with their target, never followed: nothing here touches
 * a file system). The same entries always give the same bytes, so an object written twice is the
 * same object. Every blob's bytes are checked against its git blob id before they go in: the
 * archive holds exactly the content that made the image's key.
 */
import { createHash } from 'node:crypto';
import { createGzip } from 'node:zlib';
import { pack as tarPack, type Header } from 'tar-stream';
import type { ContextEntry } from './entries.js';

/** 1980-01-01: a fixed time (as reproducible archives use) that no tool mistakes for "unset". */
type EntryHeader = Partial<Header> & { name: string };

const MTIME = new Date(Date.UTC(1980, 0, 1));
const MODE: Readonly<Record<ContextEntry['kind'] | 'directory', number>> = { file: 0o644, executable: 0o755, symlink: 0o777, directory: 0o755 };
/** Blobs fetched ahead of the one being written: at most this many, and this many bytes. */
const AHEAD_FILES = 8;
const AHEAD_BYTES = 16 * 1024 * 1024;

export class ContextContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContextContentError';
  }
}

/** Git's blob id of `bytes` (`git hash-object`): sha1 of "blob <size>\0" and the bytes. */
export const gitBlobId = (bytes: Uint8Array): string =>
  createHash('sha1').update(`blob ${bytes.length}\u0000`).update(bytes).digest('hex');

const header = (name: string, kind: ContextEntry['kind'] | 'directory', size: number, linkname?: string): EntryHeader => ({
  name, mode: MODE[kind], uid: 0, gid: 0, uname: '', gname: '', mtime: MTIME, size,
  type: kind === 'directory' ? 'directory' : kind === 'symlink' ? 'symlink' : 'file',
  ...(linkname !== undefined ? { linkname } : {}),
});

const parentsOf = (name: string): string[] => {
  const parts = name.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
};

/**
 * Reads the entries' blobs in order, a few ahead (bounded in count and bytes; a blob larger than
 * the window is read alone), and yields each checked against its blob id.
 */
async function* blobsInOrder(
  entries: readonly ContextEntry[],
  read: (e: ContextEntry) => Promise<Uint8Array>,
): AsyncGenerator<{ entry: ContextEntry; bytes: Uint8Array }> {
  const started: Promise<Uint8Array>[] = [];
  let next = 0;
  let aheadBytes = 0;
  for (let i = 0; i < entries.length; i++) {
    while (next < entries.length && next - i < AHEAD_FILES && (next === i || aheadBytes + entries[next]!.size <= AHEAD_BYTES)) {
      const p = read(entries[next]!);
      // Awaited in order below; a failure of one read ahead must not be an unhandled rejection meanwhile.
      p.catch(() => undefined);
      started[next] = p;
      aheadBytes += entries[next]!.size;
      next++;
    }
    const entry = entries[i]!;
    const bytes = await started[i]!;
    delete started[i];
    aheadBytes -= entry.size;
    if (gitBlobId(bytes) !== entry.blob) {
      throw new ContextContentError(`${entry.path}: the bytes read are not blob ${entry.blob} (${bytes.length} bytes read)`);
    }
    yield { entry, bytes };
  }
}

const linkTarget = (entry: ContextEntry, bytes: Uint8Array): string => {
  let target: string;
  try {
    target = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ContextContentError(`${entry.path}: a symbolic link whose target is not UTF-8`);
  }
  if (target === '' || target.includes('\u0000')) throw new ContextContentError(`${entry.path}: a symbolic link with an empty or NUL-holding target`);
  return target;
};

/**
 * Writes the archive of `entries` to `sink`, chunk by chunk (awaited: the sink's pace holds the
 * packing back). Rejects on the first failed read, check or sink write.
 */
export const writeContextArchive = async (
  entries: readonly ContextEntry[],
  read: (e: ContextEntry) => Promise<Uint8Array>,
  sink: (chunk: Uint8Array) => Promise<void>,
): Promise<void> => {
  const pack = tarPack();
  const gzip = createGzip({ level: 9 });
  pack.pipe(gzip);
  // Failures are taken from the reads, the checks and the sink; the streams' own 'error' events
  // after a destroy say nothing more.
  pack.on('error', () => undefined);
  gzip.on('error', () => undefined);
  let failed: unknown = null;
  const fail = (e: unknown) => {
    failed ??= e;
    pack.destroy();
    gzip.destroy();
  };
  const consume = (async () => {
    for await (const chunk of gzip) {
      if (failed) return;
      await sink(chunk as Buffer);
    }
  })().catch(fail);
  const add = (h: EntryHeader, body?: Uint8Array) =>
    new Promise<void>((resolve, reject) => {
      const done = (e?: Error | null) => (e ? reject(e) : resolve());
      if (body) pack.entry(h, body, done);
      else pack.entry(h, done);
    });
  try {
    const dirs = new Set<string>();
    for await (const { entry, bytes } of blobsInOrder(entries, read)) {
      if (failed) break;
      for (const dir of parentsOf(entry.name)) {
        if (dirs.has(dir)) continue;
        dirs.add(dir);
        await add(header(dir, 'directory', 0));
      }
      if (entry.kind === 'symlink') await add(header(entry.name, 'symlink', 0, linkTarget(entry, bytes)));
      else await add(header(entry.name, entry.kind, bytes.length), bytes);
    }
    if (!failed) pack.finalize();
  } catch (e) {
    fail(e);
  }
  await consume;
  if (failed) throw failed;
};
