/**
 * A repository as core sees it: the file listing at one commit as (path, blob id, mode) — what
 * `git ls-tree -r` and the GitHub Trees API both give — and a way to read a file's text.
 * Adapters build it (local git, GitHub API); core only reads it.
 */
export interface RepoFile {
  /** Path relative to the repository folder hyperp works on, with `/` separators. */
  readonly path: string;
  /** Git blob id (SHA-1 hex) of the file's content. */
  readonly blob: string;
  /**
   * How git records the file when it is not a regular one (100644): 'executable' (100755) or
   * 'symlink' (120000, the blob is the link's target). Left out for a regular file. Docker's
   * COPY keeps the executable bit and copies a link as a link, so the mode is part of the image.
   */
  readonly mode?: 'executable' | 'symlink';
}

/**
 * A listed file from what git records for it (`git ls-tree`, the Trees API): the mode kept for
 * an executable (100755) or a link (120000), left out for anything else.
 */
export const repoFileOf = (path: string, blob: string, gitMode: string | undefined): RepoFile =>
  gitMode === '100755' ? { path, blob, mode: 'executable' } : gitMode === '120000' ? { path, blob, mode: 'symlink' } : { path, blob };

/**
 * A repository at one commit as core reads it: the file listing with git blob ids, and a way to
 * read a file. Make one with `snapshotFromFiles` or from `git ls-tree`.
 */
export interface RepoSnapshot {
  /** The commit id; for a working tree with uncommitted changes, the commit it is based on. */
  readonly commit: string;
  /** True when the listing includes uncommitted changes. */
  readonly dirty: boolean;
  /** Every file, sorted by path. */
  readonly files: readonly RepoFile[];
  /** The text of a file of the listing, or undefined when there is no such file. */
  readonly read: (path: string) => string | undefined;
  /**
   * The size in bytes of a file of the listing, when the adapter knows it without reading the
   * file: lets validation refuse a huge file before reading it.
   */
  readonly size?: (path: string) => number | undefined;
}
