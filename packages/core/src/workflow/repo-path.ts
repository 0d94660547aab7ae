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
 * `path` read relative to the folder of `file` (`../job/x.json` from `hyperp-workflows/w.yaml`
 * is `job/x.json`); undefined when that climbs out of the repository.
 */
const relativeTo = (file: string, path: string): string | undefined => {
  if (path.startsWith('/') || path.includes('\\')) return undefined;
  const parts = file.split('/').slice(0, -1);
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') parts.push(seg);
    else if (parts.pop() === undefined) return undefined;
  }
  return parts.length === 0 ? undefined : parts.join('/');
};

export type RepoFileProblem =
  | { readonly _tag: 'Outside'; readonly hint: string }
  | { readonly _tag: 'Missing'; readonly path: string; readonly hint: string };

/**
 * Why a path a workflow or task definition names is not a file of the repository, or undefined
 * when it is: `Outside` for a path that cannot be inside it, `Missing` for one that is not
 * there. The hint ("; did you mean …") names the file the path reaches when read relative to
 * `from`, the file that names it — the usual mistake, as paths are relative to the repository
 * folder — else a file of the same name.
 */
export const repoFileProblem = (given: string, files: readonly RepoFile[], from?: string): RepoFileProblem | undefined => {
  const path = normaliseRepoPath(given);
  if (path !== undefined && fileAt(files, path)) return undefined;
  const local = from === undefined ? undefined : relativeTo(from, given);
  const hint =
    local !== undefined && local !== path && fileAt(files, local)
      ? `; did you mean "${local}"? Paths are relative to the repository folder, not to ${from}`
      : path === undefined ? '' : didYouMean(path, sameNameFiles(path, files));
  return path === undefined ? { _tag: 'Outside', hint } : { _tag: 'Missing', path, hint };
};
