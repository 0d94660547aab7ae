/**
 * Content-addressed image keys. An image is exactly what Docker builds from: the Dockerfile
 * and the files of its context (the Dockerfile's directory) that `.dockerignore` lets through,
 * built by a given builder. The key hashes those — file contents as git blob ids, so no file is
 * read, and the mode of an executable or a symbolic link, which COPY keeps — and nothing else: not the job's task definition (read at run time), not the build's
 * cpu and memory (they change the speed, not the image). An image is rebuilt exactly when no
 * image exists for its key.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { RepoFile, RepoSnapshot } from '../repo/snapshot.js';
import { sha256Hex } from '../names/hash.js';
import { fileAt, filesUnder } from '../repo/listing.js';
import { normaliseRepoPath } from '../repo/path.js';
import { dockerignoreFilter } from './dockerignore.js';

export interface ImageKey {
  readonly key: string;
  /** Repo path of the Dockerfile, normalised by `normaliseRepoPath`. */
  readonly dockerfilePath: string;
  /** Repo path of the build context; '' for the repository root. */
  readonly context: string;
  /** Which `.dockerignore` applied (repo path), if any. */
  readonly dockerignore?: string;
  /**
   * The `.dockerignore` lists the Dockerfile: it makes the image (it is in `files`, so in the
   * key) but `COPY`/`ADD` do not see it, as Docker does.
   */
  readonly dockerfileIgnored?: true;
  /** The files that went into the key, repo paths with blob ids and modes, sorted; the Dockerfile included. */
  readonly files: readonly RepoFile[];
}

/** Why an image key cannot be computed: the Dockerfile is missing, or its path leaves the repository. */
export type ImageKeyError =
  | { readonly _tag: 'DockerfileNotFound'; readonly dockerfilePath: string }
  | { readonly _tag: 'InvalidDockerfilePath'; readonly dockerfilePath: string; readonly reason: string };

/** Bump when the key's recipe changes, so old keys stop matching. */
export const IMAGE_KEY_VERSION = 1;

const dirname = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/**
 * The `.dockerignore` Docker would use: BuildKit's `<Dockerfile>.dockerignore` next to the
 * Dockerfile first, else `.dockerignore` at the context root.
 */
const dockerignorePath = (snapshot: Pick<RepoSnapshot, 'read'>, dockerfilePath: string, context: string): string | undefined => {
  const specific = `${dockerfilePath}.dockerignore`;
  const general = context === '' ? '.dockerignore' : `${context}/.dockerignore`;
  if (snapshot.read(specific) !== undefined) return specific;
  if (snapshot.read(general) !== undefined) return general;
  return undefined;
};

/** The build context's files as Docker would send them (Dockerfile always included). */
export interface ImageKeyOptions {
  /** Repo paths left out of the key even inside the context: the job's task definition file. */
  readonly exclude?: readonly string[];
}

export const contextFiles = (
  snapshot: Pick<RepoSnapshot, 'files' | 'read'>,
  dockerfilePath: string,
  options: ImageKeyOptions = {},
): E.Either<ImageKeyError, Omit<ImageKey, 'key'>> => {
  // The same reading of the path as validation's: what it accepts is what is keyed.
  const path = normaliseRepoPath(dockerfilePath);
  if (path === undefined) {
    return E.left({ _tag: 'InvalidDockerfilePath', dockerfilePath, reason: 'must name a file inside the repository' });
  }
  if (!fileAt(snapshot.files, path)) return E.left({ _tag: 'DockerfileNotFound', dockerfilePath: path });
  const context = dirname(path);
  const prefix = context === '' ? '' : `${context}/`;
  const ignorePath = dockerignorePath(snapshot, path, context);
  const keep = dockerignoreFilter(ignorePath === undefined ? undefined : snapshot.read(ignorePath));
  const excluded = new Set((options.exclude ?? []).flatMap((p) => normaliseRepoPath(p) ?? []));
  // The Dockerfile lies in its context, so the context's files include it.
  const files = filesUnder(snapshot.files, prefix).filter(
    (f) => f.path === path || (!excluded.has(f.path) && keep(f.path.slice(prefix.length))),
  );
  return E.right({
    dockerfilePath: path, context, ...(ignorePath !== undefined ? { dockerignore: ignorePath } : {}), files,
    ...(keep(path.slice(prefix.length)) ? {} : { dockerfileIgnored: true as const }),
  });
};

/**
 * The canonical text hashed into a key: a version line, the builder, the Dockerfile's repo path
 * and one `file path NUL blob` line per file, `file path NUL blob NUL mode` for an executable or
 * a symbolic link. Paths are repo paths, so a changed `dockerfilePath` (or a moved context)
 * builds, while content and mode alone decide everything else. A regular file's line is what it
 * was before modes entered the key (no version bump): images of regular files keep their keys,
 * and only an image with an executable or a link in its context gets a new key, once.
 */
const recipe = (k: Omit<ImageKey, 'key'>, builderVersion: string): string =>
  [
    `hyperp-image-key v${IMAGE_KEY_VERSION}`,
    `builder ${builderVersion}`,
    `dockerfile ${k.dockerfilePath}`,
    // Git paths hold no NUL and blob ids are hex, so the NUL-separated mode cannot be confused with either.
    ...k.files.map((f) => `file ${f.path}\u0000${f.blob}${f.mode === 'executable' || f.mode === 'symlink' ? `\u0000${f.mode}` : ''}`),
  ].join('\n');

export const imageKey = (
  snapshot: Pick<RepoSnapshot, 'files' | 'read'>,
  dockerfilePath: string,
  builderVersion: string,
  options: ImageKeyOptions = {},
): E.Either<ImageKeyError, ImageKey> =>
  E.map((k: Omit<ImageKey, 'key'>): ImageKey => ({ key: sha256Hex(recipe(k, builderVersion)), ...k }))(
    contextFiles(snapshot, dockerfilePath, options),
  );

/** An image key error in one line for a person. */
export const describeImageKeyError = (e: ImageKeyError): string =>
  e._tag === 'DockerfileNotFound'
    ? `Dockerfile ${e.dockerfilePath} is not in the repository at this commit`
    : `dockerfilePath "${e.dockerfilePath}" ${e.reason}`;
