/**
 * What plan needs to know about images that exist: per key, when it was built, for which job
 * and container, and the file listing that produced it (to explain a rebuild by the files
 * that changed since). The local store (`.hyperp/images/`) and the AWS one (DynamoDB) both
 * read into this shape.
 */
import type { RepoFile } from '../repo/snapshot.js';

/**
 * An image that exists (built earlier): its key, when it was built, what for, and the files of its
 * key; plans reuse it and explain rebuilds against it.
 */
export interface StoredImage {
  readonly key: string;
  /** Epoch milliseconds. */
  readonly builtAt: number;
  readonly workflow: string;
  readonly job: string;
  readonly container: string;
  readonly dockerfilePath: string;
  /** The files that went into the key (`ImageKey.files`); absent when not recorded. */
  readonly files?: readonly RepoFile[];
  /**
   * The engine that built it where several build different images from the same files (local
   * `docker`, `podman`, `process`); absent where there is one (AWS) or when not recorded.
   */
  readonly engine?: string;
}

/**
 * The image store's record of a built image, from the run's `RecordImage` alone; `engine`
 * where several engines build different images from the same files.
 */
export const storedImageOf = (
  cmd: { readonly key: string; readonly builtAt: number; readonly workflow: string; readonly job: string; readonly container: string; readonly dockerfilePath: string; readonly files: readonly RepoFile[] | null },
  engine?: string,
): StoredImage => ({
  key: cmd.key, builtAt: cmd.builtAt, workflow: cmd.workflow, job: cmd.job, container: cmd.container, dockerfilePath: cmd.dockerfilePath,
  ...(cmd.files !== null ? { files: cmd.files } : {}),
  ...(engine !== undefined ? { engine } : {}),
});

/** Images that exist, by key. */
export type ImageStore = ReadonlyMap<string, StoredImage>;

/** An `ImageStore` (images by key) from a list of stored images; give it to `planPush` or `planWorkflow`. */
export const imageStoreOf = (images: readonly StoredImage[]): ImageStore => new Map(images.map((i) => [i.key, i]));

/**
 * The newest image built for this job and container (else for the same Dockerfile), other
 * than `exceptKey`: the baseline a rebuild is explained against. With `engine`, only that
 * engine's images: another engine's image of the same files is not an earlier version of this one.
 */
export const newestEarlierImage = (
  store: ImageStore,
  target: { readonly workflow: string; readonly job: string; readonly container: string; readonly dockerfilePath: string; readonly engine?: string },
  exceptKey: string,
): StoredImage | undefined => {
  const newest = (pred: (i: StoredImage) => boolean): StoredImage | undefined => {
    let best: StoredImage | undefined;
    for (const i of store.values()) {
      if (i.key === exceptKey || !pred(i) || (target.engine !== undefined && i.engine !== target.engine)) continue;
      if (!best || i.builtAt > best.builtAt || (i.builtAt === best.builtAt && i.key > best.key)) best = i;
    }
    return best;
  };
  return (
    newest((i) => i.workflow === target.workflow && i.job === target.job && i.container === target.container) ??
    newest((i) => i.dockerfilePath === target.dockerfilePath)
  );
};

const modeName = (f: RepoFile): string => f.mode ?? 'regular';

/**
 * Paths whose blob or mode differs between two listings, or that only one has; sorted. A listing
 * recorded before modes were kept has none: its executables and links read as regular files.
 */
export const changedFiles = (before: readonly RepoFile[], after: readonly RepoFile[]): string[] => {
  const a = new Map(before.map((f) => [f.path, `${f.blob} ${modeName(f)}`]));
  const b = new Map(after.map((f) => [f.path, `${f.blob} ${modeName(f)}`]));
  const paths = new Set([...a.keys(), ...b.keys()]);
  return [...paths].filter((p) => a.get(p) !== b.get(p)).sort();
};

/**
 * Changed paths as a person reads them: a file whose mode changed says so
 * (`run.sh (mode regular → executable)`), since its content may be the same.
 */
export const describeChangedFiles = (before: readonly RepoFile[], after: readonly RepoFile[], changed: readonly string[]): string[] => {
  const a = new Map(before.map((f) => [f.path, f]));
  const b = new Map(after.map((f) => [f.path, f]));
  return changed.map((p) => {
    const was = a.get(p);
    const now = b.get(p);
    return was && now && modeName(was) !== modeName(now) ? `${p} (mode ${modeName(was)} → ${modeName(now)})` : p;
  });
};
