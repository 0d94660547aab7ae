/**
 * Writing a file the user named (`artifacts download -o PATH`): only a regular file (or nothing)
 * may be there, its folder must exist, and the new content goes to a temporary file beside it
 * that is renamed over it at the end, so a failed write leaves PATH as it was — never deleted,
 * never half-written — and a device node, a FIFO or a folder is refused before anything starts.
 */
import { lstatSync, type Stats } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CliError } from '../context.js';

const what = (st: Stats): string =>
  st.isDirectory() ? 'a folder'
    : st.isSymbolicLink() ? 'a symbolic link'
      : st.isFIFO() ? 'a FIFO'
        : st.isSocket() ? 'a socket'
          : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';

/** Refuses, with one line, a target that is not a regular file or whose folder is missing. */
export const checkTarget = (path: string): void => {
  const folder = dirname(path);
  let dir: Stats | undefined;
  try {
    dir = lstatSync(folder);
  } catch (e) {
    throw new CliError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `there is no folder ${folder}` : (e as Error).message}`);
  }
  if (!dir.isDirectory() && !(dir.isSymbolicLink() && isFolder(folder))) throw new CliError(`cannot write ${path}: ${folder} is not a folder`);
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new CliError(`cannot write ${path}: ${(e as Error).message}`);
  }
  if (!st.isFile()) throw new CliError(`cannot write ${path}: it is ${what(st)}; give the path of a file`);
};

const isFolder = (p: string): boolean => {
  try {
    return lstatSync(`${p}/.`).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Writes `path` through `write(tmp)` into a temporary file beside it, then renames it over
 * `path`; on any failure removes the temporary file only.
 */
export const writeBeside = async <T>(path: string, write: (tmp: string) => Promise<T>): Promise<T> => {
  checkTarget(path);
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    const r = await write(tmp);
    await rename(tmp, path);
    return r;
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot write ${path}: ${(e as Error).message}`);
  }
};
