/**
 * What goes into an image's build context: exactly the files that made its key (the planner's
 * record, `store/images.ts` `planned`), each with its git mode from the commit's tree (which must
 * be the mode the key hashed), named
 * relative to the context as `docker build` sends them. Repository contents are hostile: a name
 * that could land outside the context when unpacked, an entry that is not a file or a link, and
 * a context too large to fetch through the GitHub API are refused here, before any byte is read.
 */
import type { RepoFile } from '@hyperp/core';
import type { TreeEntry } from '../github/repo-reader.js';

/**
 * The limits of a context, and why each.
 * - A file: the Git Blobs API serves blobs up to 100 MB (REST docs "Get a blob", read 2026-12);
 *   GitHub refuses pushes of larger files anyway (docs "About large files on GitHub", read 2026-12).
 * - Files: each is one Blobs API request, and an App installation has 5,000 requests an hour
 *   (REST docs "Rate limits for the REST API", read 2026-12): a context of at most 2,000 files
 *   leaves room for other builds and the planner in the same hour.
 * - Bytes: 200 MiB in all keeps fetching, packing and uploading inside the command's deadline
 *   (`interpret/interpreter.ts`) and a few contexts at once inside the stepper's memory.
 */
export const CONTEXT_LIMITS = { fileBytes: 100 * 1024 * 1024, files: 2_000, totalBytes: 200 * 1024 * 1024 } as const;

export type ContextLimits = { readonly fileBytes: number; readonly files: number; readonly totalBytes: number };

export type EntryKind = 'file' | 'executable' | 'symlink';

export interface ContextEntry {
  /** The name in the archive: the repo path relative to the context. */
  readonly name: string;
  /** The repo path. */
  readonly path: string;
  readonly blob: string;
  readonly kind: EntryKind;
  /** Bytes of the blob (a symbolic link's blob is its target). */
  readonly size: number;
}

const kindOf = (mode: string | undefined): EntryKind | undefined =>
  mode === '100644' ? 'file' : mode === '100755' ? 'executable' : mode === '120000' ? 'symlink' : undefined;

const describeKind = (k: EntryKind): string => (k === 'file' ? 'a regular file' : k === 'executable' ? 'an executable' : 'a symbolic link');

/**
 * A name that unpacks inside the context: relative, no `.` or `..` segment, no empty segment, no
 * NUL. A `\` is an ordinary character on Linux, where kaniko unpacks, so it is kept.
 */
export const safeEntryName = (name: string): boolean =>
  name !== '' && !name.startsWith('/') && !name.includes('\u0000') &&
  name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');

const mib = (bytes: number): string => (bytes < 1024 * 1024 ? `${bytes} bytes` : `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`);

/**
 * The archive's entries in path order, or the reason the context cannot be built. `files` are
 * the key's files; `tree` is the commit's listing (modes and sizes).
 */
export const contextEntries = (
  context: string,
  files: readonly RepoFile[],
  tree: readonly TreeEntry[],
  limits: ContextLimits = CONTEXT_LIMITS,
): { readonly _tag: 'Entries'; readonly entries: readonly ContextEntry[] } | { readonly _tag: 'Refused'; readonly reason: string } => {
  const refuse = (reason: string) => ({ _tag: 'Refused' as const, reason: `build context ${context === '' ? '(repository root)' : context}: ${reason}` });
  if (files.length > limits.files) return refuse(`${files.length} files; at most ${limits.files} can be fetched for one build`);
  const byPath = new Map(tree.map((e) => [e.path, e]));
  const prefix = context === '' ? '' : `${context}/`;
  const entries: ContextEntry[] = [];
  let total = 0;
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const name = f.path.startsWith(prefix) ? f.path.slice(prefix.length) : '';
    if (!safeEntryName(name)) return refuse(`${JSON.stringify(f.path)} is not a safe name inside the context`);
    const t = byPath.get(f.path);
    if (!t || t.sha !== f.blob) return refuse(`${f.path} is not at blob ${f.blob.slice(0, 12)} in the commit's tree`);
    const kind = kindOf(t.mode);
    if (!kind) return refuse(`${f.path} has git mode ${t.mode ?? 'unknown'}, neither a file nor a symbolic link`);
    // The key hashed the file's mode (none for a regular file): the archive must hold that mode.
    if (kind !== (f.mode ?? 'file')) return refuse(`${f.path} is ${describeKind(kind)} in the commit's tree, but its image key was made for ${describeKind(f.mode ?? 'file')}`);
    const size = t.size ?? 0;
    if (size > limits.fileBytes) return refuse(`${f.path} is ${mib(size)}; a file may be at most ${mib(limits.fileBytes)}`);
    total += size;
    if (total > limits.totalBytes) return refuse(`its files exceed ${mib(limits.totalBytes)}`);
    entries.push({ name, path: f.path, blob: f.blob, kind, size });
  }
  return { _tag: 'Entries', entries };
};
