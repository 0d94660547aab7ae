/**
 * A core `RepoSnapshot` of a commit read through the GitHub API: the listing from the Git Trees
 * API (one call per commit unless GitHub truncates it), contents from the Git Blobs API by blob
 * id, so every read is of exactly that commit. Core reads synchronously, so contents are fetched
 * ahead: `snapshotReading` runs a reader, notes the listed files it asked for that were not
 * fetched yet, fetches them and runs it again, until it asks for nothing new.
 *
 * A file is "missing" only when the listing does not hold it; an API failure is a `GitHubError`,
 * never a missing file (that would plan a run on a half-read repository).
 */
import { type RepoFile, type RepoSnapshot } from '@hyperp/core';
import { inputBounds, repoFileOf } from '@hyperp/core/internal';
import type { GitHub } from './app-client.js';

/**
 * A GitHub API failure, shaped like an AWS SDK error (`$fault`, `$metadata.httpStatusCode`) so
 * the one classification (`aws/failure-class.ts`) reads it: 5xx and 429 are "not now", other
 * 4xx are the request's fault, and a rate limit (403 or 429 whose message says so: REST docs
 * "Rate limits for the REST API", read 2026-12) is throttling.
 */
export class GitHubError extends Error {
  readonly $fault: 'client' | 'server' | undefined;
  readonly $metadata: { readonly httpStatusCode?: number };
  readonly $retryable: { readonly throttling: boolean } | undefined;
  constructor(message: string, readonly status: number | undefined) {
    super(message);
    this.name = 'GitHubError';
    this.$fault = status === undefined ? undefined : status >= 500 ? 'server' : 'client';
    this.$metadata = status === undefined ? {} : { httpStatusCode: status };
    this.$retryable = status === 429 || (status === 403 && /rate limit/i.test(message)) ? { throttling: true } : undefined;
  }
}

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
  readonly commit: string;
}

export interface TreeEntry {
  readonly path: string;
  readonly type: string;
  /** Git's file mode: `100644`, `100755` (executable), `120000` (symbolic link), `160000` (submodule). */
  readonly mode?: string;
  readonly sha: string;
  /** Bytes of a blob (the Trees API gives it for blobs). */
  readonly size?: number;
}

const describe = (e: unknown): { message: string; status: number | undefined } => {
  const status = typeof (e as { status?: unknown }).status === 'number' ? (e as { status: number }).status : undefined;
  return { message: e instanceof Error ? e.message : String(e), status };
};

const call = async <T>(what: string, f: () => Promise<{ data: T }>): Promise<T> => {
  try {
    return (await f()).data;
  } catch (e) {
    const { message, status } = describe(e);
    throw new GitHubError(`GitHub API: ${what} failed${status ? ` (HTTP ${status})` : ''}: ${message}`, status);
  }
};

const treeOf = (gh: GitHub, ref: RepoRef, sha: string, recursive: boolean) =>
  call<{ tree: TreeEntry[]; truncated: boolean }>(`tree ${sha} of ${ref.owner}/${ref.repo}`, () =>
    gh.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
      owner: ref.owner,
      repo: ref.repo,
      tree_sha: sha,
      ...(recursive ? { recursive: '1' } : {}),
    }) as Promise<{ data: { tree: TreeEntry[]; truncated: boolean } }>,
  );

/** A tree entry as core lists it, with the mode `COPY` keeps (executable, link). */
const fileOfEntry = (e: TreeEntry): RepoFile => repoFileOf(e.path, e.sha, e.mode);

/**
 * Every file (blob) of the commit, sorted by path. GitHub truncates recursive listings above
 * 100,000 entries or 7 MB (REST docs "Get a tree", read 2026-11); then each directory is listed
 * on its own, which is slower but complete.
 */
export const listFiles = async (gh: GitHub, ref: RepoRef): Promise<RepoFile[]> => (await listBlobs(gh, ref)).map(fileOfEntry);

/** The blob entries of the commit's tree (files and symbolic links), sorted by path, with their modes and sizes. */
export const listBlobs = async (gh: GitHub, ref: RepoRef): Promise<TreeEntry[]> => {
  const whole = await treeOf(gh, ref, ref.commit, true);
  let entries: TreeEntry[];
  if (!whole.truncated) {
    entries = whole.tree;
  } else {
    entries = [];
    const walk = async (sha: string, prefix: string): Promise<void> => {
      const level = await treeOf(gh, ref, sha, false);
      if (level.truncated) throw new GitHubError(`GitHub API: tree ${prefix || '/'} of ${ref.owner}/${ref.repo} is too large to list`, undefined);
      for (const e of level.tree) {
        const path = prefix + e.path;
        if (e.type === 'tree') await walk(e.sha, `${path}/`);
        else entries.push({ ...e, path });
      }
    };
    await walk(ref.commit, '');
  }
  return entries
    .filter((e) => e.type === 'blob')
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};

export const readBlob = async (gh: GitHub, ref: RepoRef, sha: string): Promise<string> => {
  const blob = await call<{ content: string; encoding: string }>(`blob ${sha} of ${ref.owner}/${ref.repo}`, () =>
    gh.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner: ref.owner, repo: ref.repo, file_sha: sha }) as Promise<{
      data: { content: string; encoding: string };
    }>,
  );
  if (blob.encoding === 'base64') return Buffer.from(blob.content, 'base64').toString('utf8');
  if (blob.encoding === 'utf-8' || blob.encoding === 'utf8') return blob.content;
  throw new GitHubError(`GitHub API: blob ${sha} has unknown encoding ${blob.encoding}`, undefined);
};

/**
 * A blob's bytes, as GitHub stores them: the raw media type (`application/vnd.github.raw+json`)
 * sends them without base64's third more; a server that answers JSON anyway is decoded. Blobs up
 * to 100 MB (REST docs "Get a blob", read 2026-12).
 */
export const readBlobBytes = async (gh: GitHub, ref: RepoRef, sha: string): Promise<Uint8Array> => {
  const data = await call<unknown>(`blob ${sha} of ${ref.owner}/${ref.repo}`, () =>
    gh.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', {
      owner: ref.owner, repo: ref.repo, file_sha: sha, headers: { accept: 'application/vnd.github.raw+json' },
    }) as Promise<{ data: unknown }>,
  );
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return new TextEncoder().encode(data);
  const blob = data as { content?: unknown; encoding?: unknown };
  if (blob.encoding === 'base64' && typeof blob.content === 'string') return new Uint8Array(Buffer.from(blob.content, 'base64'));
  throw new GitHubError(`GitHub API: blob ${sha} of ${ref.owner}/${ref.repo} came in a form hyperp does not read`, undefined);
};

export interface RemoteRepo {
  readonly files: readonly RepoFile[];
  /**
   * Runs `reader` on a snapshot, fetching the listed files it reads until it reads nothing new.
   * `prefetch` selects files worth fetching before the first pass (saves passes).
   */
  readonly snapshotReading: <T>(reader: (s: RepoSnapshot) => T, prefetch?: (path: string) => boolean) => Promise<T>;
  /** How many blobs were fetched so far (each one API call). */
  readonly fetched: () => number;
}

/** At most this many passes: workflows → task definitions → .dockerignore files, and slack. */
const MAX_PASSES = 6;
/** Blobs fetched at once. */
const FETCH_PARALLEL = 8;

export const remoteRepo = async (gh: GitHub, ref: RepoRef): Promise<RemoteRepo> => {
  const blobs = await listBlobs(gh, ref);
  const files: RepoFile[] = blobs.map(fileOfEntry);
  const blobOf = new Map(files.map((f) => [f.path, f.blob]));
  // Validation refuses a file too large by this size, without fetching it.
  const sizes = new Map(blobs.flatMap((e) => (typeof e.size === 'number' ? [[e.path, e.size] as const] : [])));
  const contents = new Map<string, string>();
  const fetch = async (paths: string[]): Promise<void> => {
    for (let i = 0; i < paths.length; i += FETCH_PARALLEL) {
      await Promise.all(
        paths.slice(i, i + FETCH_PARALLEL).map(async (p) => contents.set(p, await readBlob(gh, ref, blobOf.get(p)!))),
      );
    }
  };
  return {
    files,
    fetched: () => contents.size,
    snapshotReading: async (reader, prefetch) => {
      // Not a file over the bounds: validation refuses it by its size and never reads it.
      const small = (p: string): boolean => (sizes.get(p) ?? 0) <= Math.max(inputBounds.workflowFileBytes, inputBounds.taskDefinitionBytes);
      if (prefetch) await fetch(files.map((f) => f.path).filter((p) => prefetch(p) && small(p) && !contents.has(p)));
      for (let pass = 0; ; pass++) {
        const wanted = new Set<string>();
        const snapshot: RepoSnapshot = {
          commit: ref.commit,
          dirty: false,
          files,
          read: (path) => {
            const text = contents.get(path);
            if (text === undefined && blobOf.has(path)) wanted.add(path);
            return text;
          },
          size: (path) => sizes.get(path),
        };
        const result = reader(snapshot);
        if (wanted.size === 0) return result;
        if (pass + 1 >= MAX_PASSES) {
          throw new GitHubError(`reading ${ref.owner}/${ref.repo}@${ref.commit} still wanted files after ${MAX_PASSES} passes`, undefined);
        }
        await fetch([...wanted].sort());
      }
    },
  };
};

/** The commit a branch points at now (cron and manual runs start from the branch head). */
export const headCommit = async (gh: GitHub, owner: string, repo: string, branch: string): Promise<string> => {
  const ref = await call<{ object: { sha: string } }>(`branch ${branch} of ${owner}/${repo}`, () =>
    gh.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner, repo, ref: `heads/${branch}` }) as Promise<{
      data: { object: { sha: string } };
    }>,
  );
  return ref.object.sha;
};
