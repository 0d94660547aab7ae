import { fileAt } from '../repo/listing.js';
import type { RepoFile } from '../repo/snapshot.js';
import { didYouMean } from './rule.js';

/**
 * Paths inside the repository as workflows and task definitions write them: relative to the
 * repository folder, `/`-separated. `./a//b` is `a/b`; absolute paths and `..` are refused, so
 * a file can never name something outside the repository.
 */
export const normaliseRepoPath = (path: string): string | undefined => {
  if (path.startsWith('/') || path.includes('\\')) return undefined;
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
};

/** Repo paths closest to a missing one, for "did you mean": files with the same name first. */
export const sameNameFiles = (path: string, files: readonly { readonly path: string }[]): string[] => {
  const base = path.split('/').pop() ?? path;
  return files.map((f) => f.path).filter((p) => p === base || p.endsWith(`/${base}`));
};

/**
 * Why a path a workflow or task definition names is not a file of the repository, or undefined
 * when it is: `outside` for a path that cannot be inside it, `missing` (with a "did you mean")
 * for one that is not there.
 */
export const repoFileProblem = (
  given: string, files: readonly RepoFile[],
): { readonly _tag: 'Outside' } | { readonly _tag: 'Missing'; readonly path: string; readonly hint: string } | undefined => {
  const path = normaliseRepoPath(given);
  if (path === undefined) return { _tag: 'Outside' };
  if (fileAt(files, path)) return undefined;
  return { _tag: 'Missing', path, hint: didYouMean(path, sameNameFiles(path, files)) };
};
