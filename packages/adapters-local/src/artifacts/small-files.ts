/**
 * The small text files at the top of a job's output, which `hyperp run` and `runs show` print as
 * the run's result. The folder is the job's, so hostile: entries are listed without following
 * links (a link to `/proc/self/environ` is not a file here), each is opened with O_NOFOLLOW and
 * O_NONBLOCK (a FIFO swapped in must not block) and checked to be a regular file, and only a
 * bounded prefix is ever read, whatever the file's size (a 3 GiB file costs nothing).
 */
import { closeSync, constants, fstatSync, openSync, opendirSync, readSync } from 'node:fs';
import { join } from 'node:path';

export interface SmallText {
  readonly name: string;
  readonly text: string;
}

/** The `count` first names, in sort order, of the regular files directly in `dir` (one pass, bounded memory). */
const firstFiles = (dir: string, count: number): string[] => {
  const names: string[] = [];
  const d = opendirSync(dir);
  try {
    for (let e = d.readSync(); e !== null; e = d.readSync()) {
      if (!e.isFile()) continue;
      if (names.length === count && e.name >= names[count - 1]!) continue;
      names.push(e.name);
      names.sort();
      if (names.length > count) names.pop();
    }
  } finally {
    d.closeSync();
  }
  return names;
};

/** At most `max + 1` bytes of `path` if it is a regular file (not a link, FIFO or device); else null. */
const readPrefix = (path: string, max: number): Buffer | null => {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > max) return null;
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, n);
    return buf.subarray(0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
};

/**
 * The text of the first `count` regular files of `dir` (by name) that hold at most `maxBytes`
 * bytes and no NUL, trimmed, as the job wrote it (a terminal view escapes it). Nothing when `dir`
 * cannot be read.
 */
export const smallTextFiles = (dir: string, count = 5, maxBytes = 2048): SmallText[] => {
  let names: string[];
  try {
    names = firstFiles(dir, count);
  } catch {
    return [];
  }
  const found: SmallText[] = [];
  for (const name of names) {
    const data = readPrefix(join(dir, name), maxBytes);
    if (data === null || data.length > maxBytes || data.includes(0)) continue;
    found.push({ name, text: data.toString('utf8').trim() });
  }
  return found;
};
