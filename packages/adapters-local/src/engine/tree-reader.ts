/**
 * Folder listings for the sandbox's mount plan (`mount-plan.ts`), read from the file system:
 * each entry `lstat`ed, so a link is reported as a link with its target text, never followed.
 */
import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type TreeEntry =
  | { readonly name: string; readonly kind: 'dir' | 'file' | 'other' }
  | { readonly name: string; readonly kind: 'link'; readonly target: string };

/** What the folder `dir` holds (none when it cannot be read). */
export const listDir = (dir: string): TreeEntry[] => {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name): TreeEntry[] => {
    const p = join(dir, name);
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (st === undefined) return [];
    if (st.isSymbolicLink()) return [{ name, kind: 'link', target: readlinkSync(p, 'utf8') }];
    return [{ name, kind: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other' }];
  });
};

/** What a host path is once its links are resolved (the host's own system paths), if it is there. */
export const hostKind = (path: string): 'dir' | 'file' | undefined => {
  const st = statSync(path, { throwIfNoEntry: false });
  return st?.isDirectory() ? 'dir' : st?.isFile() ? 'file' : undefined;
};
