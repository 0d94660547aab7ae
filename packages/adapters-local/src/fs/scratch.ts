/**
 * Per-task scratch folders under `.hyperp/tmp/`, and the clean-up of those a crashed hyperp
 * left. Clean-up deletes only what it can prove hyperp made: a real folder (never a link) named
 * `task-<pid>-<time>-<random>`, holding the marker file written when it was made, whose process
 * is gone. Nothing else in the folder is touched, and nothing outside it.
 */
import { lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARKER = '.hyperp-scratch';
const NAME = /^task-([1-9][0-9]*)-[0-9]+-[0-9a-f]+$/;

/** A new, empty scratch folder of this process, with its marker. */
export const makeScratch = (dir: string, now: number = Date.now()): string => {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `task-${process.pid}-${now}-${Math.random().toString(16).slice(2, 10)}`);
  mkdirSync(path);
  writeFileSync(join(path, MARKER), `${process.pid}\n`, { flag: 'wx' });
  return path;
};

/** Whether process `pid` may still be running (only ESRCH proves it is gone). */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
};

/** Removes the scratch folders of processes that are gone (a crash); returns their names. */
export const removeOrphanScratch = (dir: string): string[] => {
  const top = lstatSync(dir, { throwIfNoEntry: false });
  if (!top?.isDirectory()) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    const path = join(dir, name);
    if (!lstatSync(path).isDirectory() || !lstatSync(join(path, MARKER), { throwIfNoEntry: false })?.isFile()) continue;
    // rm does not follow links inside the folder: a link a task left there is removed, not entered.
    rmSync(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
};
