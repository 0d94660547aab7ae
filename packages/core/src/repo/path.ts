/**
 * Repository paths as workflows and task definitions write them (`taskDefinitionPath`,
 * `dockerfilePath`): relative to the repository folder, `/`-separated. One function decides
 * what such a path means, for validation, image keys and rendering alike, so a path validation
 * accepts is the path an image is keyed on, and one it refuses is refused everywhere.
 */

/**
 * `./a//b` and `a/./b` are `a/b`. Undefined for a path that cannot name a file inside the
 * repository: absolute (`/a`), climbing out (`..`), empty, or holding `\` (git paths use `/`;
 * on Linux a `\` is part of a file name, so reading it as a separator would name another file).
 */
export const normaliseRepoPath = (path: string): string | undefined => {
  if (path.startsWith('/') || path.includes('\\')) return undefined;
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return parts.join('/');
};
