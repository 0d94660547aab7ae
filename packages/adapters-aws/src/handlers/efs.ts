/**
 * The EFS helper: a Lambda with hyperp's file system mounted (through the access point) at
 * `EFS_MOUNT_PATH`. It makes a run's artifact folders before its tasks start (invoked
 * synchronously: a failure is a `DirectoriesFailed` event) and zips a job's output to S3
 * (invoked asynchronously by the stepper and by the API; it appends the
 * `DownloadableReady`/`DownloadableFailed` event itself).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { RunEvent } from '@hyperp/core';
import { chmod, lstat, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, posix, relative } from 'node:path';
import { realFolderOf } from '../efs/folders.js';
import { forgetSecretRun, listSecretRuns, recordSecretRun, type SecretRun } from '../efs/secret-runs.js';
import type { EventLog } from '../store/event-log.js';
import { zipDirectoryToS3 } from '../efs/zip-to-s3.js';

/** The event id of an on-request zip's result. */
export const zipAttemptEventId = (job: string, attempt: number, result: string): string =>
  `zip:${job}:${attempt}:${result}`;

/** Where the Lambda's file system config mounts the access point (the Pulumi program sets it). */
export const EFS_MOUNT_PATH = '/mnt/hyperp';

export type EfsRequest =
  | {
      readonly op: 'mkdirs'; readonly runId: string; readonly paths: readonly string[];
      /** Files to write in those folders (the run's `inputs.json`): each in one of `paths`. */
      readonly files?: readonly { readonly path: string; readonly text: string }[];
      /**
       * Secret files (the control plane read their values for this run), each in one of
       * `paths`: written readable by their owner only, the uid the job's access point for its
       * secrets folder runs as. A value is never logged or put in an error.
       */
      readonly secrets?: readonly { readonly path: string; readonly text: string }[];
    }
  | {
      /** As a run ends (or the sweep finds it ended): its secrets folders and their files go. */
      readonly op: 'rmdirs'; readonly runId: string; readonly paths: readonly string[];
    }
  | {
      /** The sweep: which runs still have secret files (`src/efs/secret-runs.ts`). */
      readonly op: 'secretRuns';
    }
  | {
      readonly op: 'zip';
      readonly runId: string;
      readonly job: string;
      readonly sourcePath: string;
      readonly bucket: string;
      readonly objectKey: string;
      /** Append the result as an event of the run. */
      readonly appendEvent: boolean;
      /**
       * The API's zips on request: their attempt, so each attempt's result has an event id of its
       * own (`zip:{job}:{attempt}:{result}`) and a retry after a failure is not a duplicate.
       */
      readonly attempt?: number;
    };

export type EfsResponse =
  | { readonly op: 'mkdirs'; readonly created: number }
  | { readonly op: 'rmdirs'; readonly removed: number }
  | { readonly op: 'secretRuns'; readonly runs: readonly SecretRun[] }
  | { readonly op: 'zip'; readonly location: string; readonly bytes: number; readonly files: number };

export interface EfsDeps {
  readonly root: string;
  readonly s3: Pick<S3Client, 'send'>;
  readonly events: Pick<EventLog, 'append'>;
  readonly now: () => number;
}

/**
 * Mode of the folders a run's tasks mount (a job's output, the run's shared folders). Tasks reach
 * them only through access points that set the user: writers (a job's `/output`, `/shared/<name>`)
 * as uid and gid 1000, the owner this helper creates them as; readers (`/input/<dep>`) as 1001,
 * who may read and never write, whatever NFS client the job brings (`src/efs/access-points.ts`).
 * Set with chmod after mkdir, which the process umask would otherwise narrow.
 */
export const ARTIFACT_DIR_MODE = 0o755;

/** A job's secrets folder and files: its owner's only (the writers' uid, which its read-only access point runs as). */
export const SECRET_DIR_MODE = 0o700;
export const SECRET_FILE_MODE = 0o400;

/** The run's own files (`inputs.json`): readable by the readers' uid its tasks mount them as. */
export const RUN_FILE_MODE = 0o644;

/**
 * Makes the real folder of a layout path (`folders/{key}`) and the layout path as a relative
 * link to it (`src/efs/folders.ts`). A layout path that already exists — the link of a repeated
 * command, or a real folder of a run made before folders moved — is left as it is.
 */
const makeFolder = async (root: string, layoutPath: string, mode = ARTIFACT_DIR_MODE): Promise<void> => {
  const real = join(root, realFolderOf(layoutPath));
  await mkdir(real, { recursive: true });
  await chmod(real, mode);
  const link = inside(root, layoutPath);
  await mkdir(dirname(link), { recursive: true });
  try {
    await symlink(relative(dirname(link), real), link, 'dir');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    await lstat(link);
  }
};

/** A relative artifact path inside the root; anything climbing out of it is refused. */
const inside = (root: string, path: string): string => {
  const clean = normalize(path);
  if (isAbsolute(path) || clean === '..' || clean.startsWith('../') || clean.includes('/../')) {
    throw new Error(`artifact path ${JSON.stringify(path)} leaves the artifacts root`);
  }
  return join(root, clean);
};

/**
 * Writes a file into a folder of the request, by the folder's real path: never through a link a
 * job could have placed. What is there already (a repeated command, or a link the job put in its
 * own folder) is removed first and the file created anew, never opened through it.
 */
const writeRunFile = async (root: string, paths: readonly string[], f: { readonly path: string; readonly text: string }, mode: number): Promise<void> => {
  const folder = posix.dirname(f.path);
  if (!paths.includes(folder)) throw new Error(`file ${JSON.stringify(f.path)} is not in a folder of the request`);
  const file = join(root, realFolderOf(folder), posix.basename(f.path));
  await rm(file, { force: true });
  await writeFile(file, f.text, { mode, flag: 'wx' });
  await chmod(file, mode);
};

export const efsHandler =
  (deps: EfsDeps) =>
  async (request: EfsRequest): Promise<EfsResponse> => {
    switch (request.op) {
      case 'mkdirs': {
        const secretFolders = new Set((request.secrets ?? []).map((f) => posix.dirname(f.path)));
        // Recorded before any value is written: files a crash leaves behind are still found.
        if (secretFolders.size > 0) await recordSecretRun(deps.root, request.runId, [...secretFolders]);
        for (const p of request.paths) await makeFolder(deps.root, p, secretFolders.has(p) ? SECRET_DIR_MODE : ARTIFACT_DIR_MODE);
        for (const f of request.files ?? []) await writeRunFile(deps.root, request.paths, f, RUN_FILE_MODE);
        for (const f of request.secrets ?? []) await writeRunFile(deps.root, request.paths, f, SECRET_FILE_MODE);
        return { op: 'mkdirs', created: request.paths.length };
      }
      case 'rmdirs': {
        for (const p of request.paths) {
          await rm(join(deps.root, realFolderOf(p)), { recursive: true, force: true });
          await rm(inside(deps.root, p), { force: true });
        }
        await forgetSecretRun(deps.root, request.runId);
        return { op: 'rmdirs', removed: request.paths.length };
      }
      case 'secretRuns':
        return { op: 'secretRuns', runs: await listSecretRuns(deps.root) };
      case 'zip': {
        const append = async (event: RunEvent): Promise<void> => {
          if (!request.appendEvent) return;
          await deps.events.append({
            id: request.attempt === undefined ? `zip:${request.job}:${event._tag}` : zipAttemptEventId(request.job, request.attempt, event._tag),
            runId: request.runId,
            event,
            storedAt: new Date(deps.now()).toISOString(),
          });
        };
        try {
          const r = await zipDirectoryToS3(deps.s3, inside(deps.root, request.sourcePath), request.bucket, request.objectKey);
          const location = `s3://${request.bucket}/${request.objectKey}`;
          await append({ _tag: 'DownloadableReady', at: deps.now(), job: request.job, location, bytes: r.bytes });
          return { op: 'zip', location, bytes: r.bytes, files: r.files };
        } catch (e) {
          await append({ _tag: 'DownloadableFailed', at: deps.now(), job: request.job, reason: (e as Error).message });
          throw e;
        }
      }
    }
  };
