/**
 * Downloadable zips of a job's output, streamed (yazl: deflate through zlib streams, zip64 for
 * files and archives over 4 GiB), so memory stays bounded whatever the output's size and the
 * event loop keeps turning. Written under a temporary name beside the target and renamed, so a
 * reader never sees half a zip, and nothing is left behind when zipping fails or is cancelled.
 *
 * What goes in — the hostile output folder walked without following anything, links, FIFOs,
 * sockets and devices skipped with a note, names made safe — is `output-walk.ts`'s, which the
 * AWS zip uses too. The notes are returned and written in the zip's comment (`unzip -z`).
 */
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { printable } from '@hyperp/core/internal';
import { archiveOf, walkOutput, type Walked } from './output-walk.js';

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

/**
 * Zips what `dir` holds (paths relative to it) into `zipFile`. A missing `dir` gives an empty zip.
 */
export const zipDirectory = async (dir: string, zipFile: string, o: ZipOptions = {}): Promise<ZipResult> => {
  o.signal?.throwIfAborted();
  const top = await lstat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (top !== null && !top.isDirectory()) throw new Error(`${dir} is not a folder`);
  const walked: Walked = top === null ? { found: [], notes: [] } : await walkOutput(dir, o.signal);
  o.signal?.throwIfAborted();

  await mkdir(dirname(zipFile), { recursive: true });
  const tmp = `${zipFile}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  // 'wx': never through whatever may already lie at that name.
  const out = createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
  let stop = (): void => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        stop();
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
      const archive = archiveOf(walked, fail);
      stop = archive.stop;
      archive.output.pipe(out);
    });
    const bytes = out.bytesWritten;
    await rename(tmp, zipFile);
    return { bytes, entries: walked.found.length, notes: walked.notes };
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
