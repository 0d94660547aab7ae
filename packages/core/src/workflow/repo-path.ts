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
