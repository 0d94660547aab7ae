/**
 * A repository snapshot made from files an embedder holds (a checkout it read, an archive, a
 * build system's inputs) instead of from git. Core computes each file's git blob id itself —
 * the id `git hash-object` gives — because image keys are made of blob ids: an id that does not
 * match the content would key an image on files it was not built from. Ids an embedder passes
 * along are checked, never trusted; a mismatch is reported and the computed id is used.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { normaliseRepoPath } from './path.js';
import type { RepoFile, RepoSnapshot } from './snapshot.js';

/**
 * How git records the file: a regular file (100644), an executable one (100755) or a symbolic
 * link (120000), whose content is its target path. The mode does not enter the blob id, but it
 * enters the image key (Docker's COPY keeps it).
 */
export type FileMode = 'file' | 'executable' | 'symlink';

/** A file for `snapshotFromFiles`: its repository path, content and mode, and optionally a blob id to check. */
export interface FileInput {
  /** Repository path, `/`-separated, relative to the repository folder hyperp works on. */
  readonly path: string;
  /** The file's bytes, or its text (stored as UTF-8); for a symbolic link, its target path. */
  readonly content: Uint8Array | string;
  /** 'file' when left out. */
  readonly mode?: FileMode;
  /** A blob id you already have (from `git ls-tree`, an API): checked against `content`. */
  readonly blob?: string;
}

/** What `snapshotFromFiles` needs: the commit id, whether the files differ from it, and the files. */
export interface SnapshotFromFilesInput {
  /** The commit the files are (or are based on); any id you use for it. */
  readonly commit: string;
  /** The files differ from `commit` (uncommitted changes). False when left out. */
  readonly dirty?: boolean;
  readonly files: readonly FileInput[];
}

/**
 * A file `snapshotFromFiles` left out (bad or repeated path, unknown mode) or a given blob id that
 * did not match its content.
 */
export type SnapshotIssue =
  | { readonly _tag: 'BlobMismatch'; readonly path: string; readonly given: string; readonly computed: string; readonly message: string }
  | { readonly _tag: 'InvalidPath'; readonly path: string; readonly message: string }
  | { readonly _tag: 'DuplicatePath'; readonly path: string; readonly message: string }
  | { readonly _tag: 'InvalidMode'; readonly path: string; readonly message: string };

/** What `snapshotFromFiles` returns: the snapshot, and the files it left out or whose given blob id did not match. */
export interface SnapshotFromFiles {
  /** Every file with a usable path, with the blob id computed from its content, sorted by path. */
  readonly snapshot: RepoSnapshot;
  /** Files left out (bad or repeated path, unknown mode) and ids that did not match; empty when all is well. */
  readonly issues: readonly SnapshotIssue[];
}

const modes: readonly FileMode[] = ['file', 'executable', 'symlink'];

const bytesOf = (content: Uint8Array | string): Uint8Array => (typeof content === 'string' ? utf8ToBytes(content) : content);

/** The git blob id of a content: SHA-1 of `blob <size>\0` and the bytes, as `git hash-object` computes it. */
export const gitBlobId = (content: Uint8Array | string): string => {
  const bytes = bytesOf(content);
  return bytesToHex(sha1(concatBytes(utf8ToBytes(`blob ${bytes.length}\u0000`), bytes)));
};

// The WHATWG decoder every JavaScript runtime has; core compiles without DOM or Node types.
declare const TextDecoder: new () => { decode(bytes: Uint8Array): string };
const decoder = new TextDecoder();
const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * The snapshot of `files` at `commit`. A file whose path cannot name a file inside the
 * repository (absolute, `..`, `\`), that repeats an earlier path, or that has an unknown mode is
 * left out and reported; a given blob id that does not match the content is reported and
 * replaced by the computed one. `read` gives a file's text (a symbolic link's target, as git
 * stores it), `size` its length in bytes.
 */
export const snapshotFromFiles = (input: SnapshotFromFilesInput): SnapshotFromFiles => {
  const issues: SnapshotIssue[] = [];
  const contents = new Map<string, Uint8Array>();
  const files: RepoFile[] = [];
  for (const f of input.files) {
    const path = normaliseRepoPath(f.path);
    if (path === undefined) {
      issues.push({ _tag: 'InvalidPath', path: f.path, message: `${JSON.stringify(f.path)} cannot name a file inside the repository (absolute, empty, "..", or holding "\\"); the file is left out` });
      continue;
    }
    if (contents.has(path)) {
      issues.push({ _tag: 'DuplicatePath', path: f.path, message: `${JSON.stringify(f.path)} names ${path} again; the first file with that path is kept` });
      continue;
    }
    if (f.mode !== undefined && !modes.includes(f.mode)) {
      issues.push({ _tag: 'InvalidMode', path, message: `${path}: mode ${JSON.stringify(f.mode)} is not one of ${modes.join(', ')}; the file is left out` });
      continue;
    }
    const bytes = bytesOf(f.content);
    const blob = gitBlobId(bytes);
    if (f.blob !== undefined && f.blob.toLowerCase() !== blob) {
      issues.push({
        _tag: 'BlobMismatch', path, given: f.blob, computed: blob,
        message: `${path}: the given blob id ${f.blob} is not the content's (${blob}); the content's id is used`,
      });
    }
    contents.set(path, bytes);
    files.push(f.mode === 'executable' || f.mode === 'symlink' ? { path, blob, mode: f.mode } : { path, blob });
  }
  files.sort(byPath);
  const texts = new Map<string, string>();
  const read = (path: string): string | undefined => {
    const bytes = contents.get(path);
    if (bytes === undefined) return undefined;
    let text = texts.get(path);
    if (text === undefined) texts.set(path, (text = decoder.decode(bytes)));
    return text;
  };
  const size = (path: string): number | undefined => contents.get(path)?.length;
  return { snapshot: { commit: input.commit, dirty: input.dirty ?? false, files, read, size }, issues };
};
