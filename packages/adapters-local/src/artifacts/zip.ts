/**
 * Downloadable zips of a job's output (fflate: pure JS, no zip binary needed). Written under a
 * temporary name and renamed, so a reader never sees half a zip.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';

const collect = (dir: string, prefix: string, into: Zippable): void => {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const st = statSync(full);
    const path = prefix === '' ? name : `${prefix}/${name}`;
    if (st.isDirectory()) collect(full, path, into);
    else if (st.isFile()) into[path] = [readFileSync(full), { mtime: st.mtime }];
  }
};

/** Zips every file below `dir` (paths relative to it) into `zipFile`; returns its size in bytes. */
export const zipDirectory = (dir: string, zipFile: string): number => {
  const files: Zippable = {};
  if (existsSync(dir)) collect(dir, '', files);
  const data = zipSync(files, { level: 6 });
  mkdirSync(dirname(zipFile), { recursive: true });
  const tmp = `${zipFile}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, zipFile);
  return data.length;
};
