import { fileAt } from '../repo/listing.js';
import { normaliseRepoPath } from '../repo/path.js';
import type { RepoFile } from '../repo/snapshot.js';
import { didYouMean } from './rule.js';

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
