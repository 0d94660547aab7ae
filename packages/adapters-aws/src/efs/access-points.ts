/**
 * The access points a run's tasks mount the artifacts file system through. An access point
 * roots its client at one folder and makes every NFS operation run as its POSIX user, whatever
 * uid the client claims (EFS User Guide, "Working with Amazon EFS access points", read 2026-12).
 * Every hyperp volume of a job's task definition gets one, created for the run:
 *
 * - a writer (the job's `/output`, the run's `/shared/<name>`): uid and gid 1000, the owner of
 *   the folders the efs function makes (mode 0755);
 * - a reader (`/input/<dep>`): uid and gid 1001, who owns nothing and so reads and never writes,
 *   even through an NFS client the job brings itself.
 *
 * The file system's policy and the job role let a job mount only through an access point, never
 * the efs function's, never as root (`packages/infra`, `artifacts-access.ts`). A job therefore
 * reaches the folders whose access point ids its run gave it; the ids are not discoverable with
 * the job role. Access points are per run, deduplicated by folder and mode, and deleted when the
 * run's task definitions are; the sweep deletes what a crash left behind. A file system holds at
 * most 10,000 access points unless AWS raises it (EFS User Guide, "Creating access points", read
 * 2026-12): per run and not per task, a run needs about one per job and dependency folder.
 *
 * Creation is idempotent: the client token is a hash of (file system, run, mode, folder), so a
 * repeated registration gets the same access point back (AccessPointAlreadyExists names it).
 */
import {
  CreateAccessPointCommand, DeleteAccessPointCommand, DescribeAccessPointsCommand,
  type AccessPointDescription, type CreateAccessPointCommandInput, type EFSClient,
} from '@aws-sdk/client-efs';
import type { MountPoint, RegisterTaskDefinitionCommandInput, Volume } from '@aws-sdk/client-ecs';
import { createHash } from 'node:crypto';
import { withThrottlingRetry, type RetryPolicy } from '../aws/retry.js';
import { realFolderOf } from './folders.js';

export type AccessMode = 'write' | 'read';

/** The POSIX users of the two kinds of access point. */
export const ACCESS_USERS: Readonly<Record<AccessMode, { readonly Uid: number; readonly Gid: number }>> = {
  write: { Uid: 1000, Gid: 1000 },
  read: { Uid: 1001, Gid: 1001 },
};

export const RUN_TAG = 'hyperp:run';
export const DEPLOYMENT_TAG = 'hyperp:deployment';
const MODE_TAG = 'hyperp:access';

/** The volume of a job's secret files (core's `SECRETS_VOLUME`). */
const SECRETS_VOLUME = 'hyperp-secrets';

/** Volume names hyperp renders its own mounts with (core's `RESERVED_VOLUME_PREFIX`). */
const HYPERP_VOLUME_PREFIX = 'hyperp-';

export interface AccessPointSettings {
  readonly fileSystemId: string;
  /** The artifacts root on the file system (`HYPERP_EFS_ROOT_DIRECTORY`, `/hyperp`). */
  readonly efsRootDirectory: string;
  /** The deployment's name prefix, tagged on every access point it makes. */
  readonly familyPrefix: string;
}

export interface AccessPointDeps {
  readonly efs: Pick<EFSClient, 'send'>;
  /**
   * Throttling retries for callers that have no retry of their own (the sweep). The stepper's
   * interpreter leaves it out: its commands end in a classified failure and are sent again.
   */
  readonly retry?: RetryPolicy;
  readonly settings: AccessPointSettings;
}

const call = <T>(d: AccessPointDeps, send: () => Promise<T>): Promise<T> => (d.retry ? withThrottlingRetry(d.retry, send) : send());

/** Access points cannot be had for a volume: the registration is refused with this reason. */
export class AccessPointsUnavailable extends Error {
  override readonly name = 'AccessPointsUnavailable';
}

const trimSlashes = (p: string): string => p.replace(/^\/+|\/+$/g, '');

/** The layout path (relative to the artifacts root) a rendered EFS `rootDirectory` names, if it is hyperp's. */
const layoutPathOf = (root: string, rootDirectory: string): string | undefined => {
  const r = trimSlashes(root);
  const dir = trimSlashes(rootDirectory);
  if (r === '') return dir === '' ? undefined : dir;
  return dir.startsWith(`${r}/`) ? dir.slice(r.length + 1) : undefined;
};

/** What hyperp's own volumes of a rendered task definition need: folder and mode, by volume name. */
export const hyperpVolumeAccess = (
  input: Pick<RegisterTaskDefinitionCommandInput, 'volumes' | 'containerDefinitions'>,
  settings: Pick<AccessPointSettings, 'efsRootDirectory'>,
): { readonly volume: string; readonly layoutPath: string; readonly mode: AccessMode }[] => {
  const mounts: MountPoint[] = (input.containerDefinitions ?? []).flatMap((c) => c.mountPoints ?? []);
  return (input.volumes ?? []).flatMap((v) => {
    const dir = v.efsVolumeConfiguration?.rootDirectory;
    if (!v.name?.startsWith(HYPERP_VOLUME_PREFIX) || dir === undefined) return [];
    const layoutPath = layoutPathOf(settings.efsRootDirectory, dir);
    if (layoutPath === undefined) return [];
    const uses = mounts.filter((m) => m.sourceVolume === v.name);
    // Read-only only when every container mounts it read-only: `/input/<dep>`. A job's secrets
    // folder is the exception: its files are 0400 of their owner, the writers' uid, so only that
    // uid reads them; the containers mount it read-only, and should the job's own NFS client
    // write there, it changes only its own secrets, which go as the run ends.
    const mode: AccessMode = v.name !== SECRETS_VOLUME && uses.length > 0 && uses.every((m) => m.readOnly === true) ? 'read' : 'write';
    return [{ volume: v.name, layoutPath, mode }];
  });
};

/** 64 hex digits: CreateAccessPoint's `ClientToken` takes 1-64 characters (EFS API Reference). */
export const accessPointToken = (fileSystemId: string, runId: string, mode: AccessMode, layoutPath: string): string =>
  createHash('sha256').update(JSON.stringify(['hyperp-access-point', fileSystemId, runId, mode, layoutPath])).digest('hex');

export const accessPointInput = (
  settings: AccessPointSettings,
  runId: string,
  layoutPath: string,
  mode: AccessMode,
): CreateAccessPointCommandInput => ({
  ClientToken: accessPointToken(settings.fileSystemId, runId, mode, layoutPath),
  FileSystemId: settings.fileSystemId,
  PosixUser: { ...ACCESS_USERS[mode] },
  RootDirectory: {
    Path: `/${[trimSlashes(settings.efsRootDirectory), realFolderOf(layoutPath)].filter((s) => s !== '').join('/')}`,
    // The efs function makes the folder before tasks start; should it be missing, EFS makes it
    // owned by the writers, so a reader still cannot write.
    CreationInfo: { OwnerUid: ACCESS_USERS.write.Uid, OwnerGid: ACCESS_USERS.write.Gid, Permissions: '0755' },
  },
  Tags: [
    { Key: RUN_TAG, Value: runId },
    { Key: DEPLOYMENT_TAG, Value: settings.familyPrefix },
    { Key: MODE_TAG, Value: mode },
  ],
});

const errorName = (e: unknown): string => (e instanceof Error ? e.name : '');

/**
 * CreateAccessPoint's answers that no repeat can change (EFS API Reference, "CreateAccessPoint",
 * read 2026-12): the job's registration is refused with EFS's reason. Everything else is thrown
 * for the interpreter to class: throttling (429), `InternalServerError` (500) and
 * `AccessPointLimitExceeded` (403: the file system is full of access points; they are per run
 * and deleted as runs end, so it frees) are sent again after a back-off, and the run's view
 * lists them in `retries`.
 */
export const ACCESS_POINT_REFUSALS: readonly string[] = ['FileSystemNotFound', 'IncorrectFileSystemLifeCycleState', 'BadRequest', 'AccessDeniedException'];

/**
 * Answers that mean the work is done: `AccessPointAlreadyExists` (409) to a creation repeated
 * under its client token names the one it made; `AccessPointNotFound` (404) to a deletion means
 * it is gone already (EFS API Reference, "CreateAccessPoint", "DeleteAccessPoint", read 2026-12).
 */
const ALREADY_EXISTS = 'AccessPointAlreadyExists';
const GONE_ALREADY = 'AccessPointNotFound';
export const ACCESS_POINT_RESOLVED: readonly string[] = [ALREADY_EXISTS, GONE_ALREADY];

/** The id of the run's access point for this folder and mode, created if it does not exist. */
export const ensureAccessPoint = async (d: AccessPointDeps, runId: string, layoutPath: string, mode: AccessMode): Promise<string> => {
  const input = accessPointInput(d.settings, runId, layoutPath, mode);
  try {
    const r = await call(d, () => d.efs.send(new CreateAccessPointCommand(input)));
    if (!r.AccessPointId) throw new AccessPointsUnavailable(`CreateAccessPoint for ${layoutPath} returned no id`);
    return r.AccessPointId;
  } catch (e) {
    // The same token made it before (a repeated registration): EFS names the existing one.
    const existing = (e as { AccessPointId?: string }).AccessPointId;
    if (errorName(e) === ALREADY_EXISTS && existing) return existing;
    if (ACCESS_POINT_REFUSALS.includes(errorName(e))) {
      throw new AccessPointsUnavailable(`the run's EFS access point for ${layoutPath} cannot be created: ${errorName(e)}: ${(e as Error).message}`);
    }
    throw e;
  }
};

/**
 * The task definition with each of hyperp's volumes mounted through the run's access point for
 * its folder: `authorizationConfig.accessPointId`, IAM authorization and TLS, and no
 * `rootDirectory` (ECS takes only `/` or none with an access point: the access point's root
 * applies; ECS API Reference, "EFSVolumeConfiguration", read 2026-12).
 */
export const withRunAccessPoints = async (
  d: AccessPointDeps,
  runId: string,
  input: RegisterTaskDefinitionCommandInput,
): Promise<RegisterTaskDefinitionCommandInput> => {
  const access = hyperpVolumeAccess(input, d.settings);
  if (access.length === 0) return input;
  const ids = new Map<string, string>();
  for (const a of access) ids.set(a.volume, await ensureAccessPoint(d, runId, a.layoutPath, a.mode));
  const volumes: Volume[] = (input.volumes ?? []).map((v) => {
    const id = v.name === undefined ? undefined : ids.get(v.name);
    if (id === undefined || v.efsVolumeConfiguration === undefined) return v;
    const { rootDirectory: _root, ...efs } = v.efsVolumeConfiguration;
    return {
      ...v,
      efsVolumeConfiguration: {
        ...efs,
        fileSystemId: d.settings.fileSystemId,
        transitEncryption: 'ENABLED',
        authorizationConfig: { accessPointId: id, iam: 'ENABLED' },
      },
    };
  });
  return { ...input, volumes };
};

/** Every access point of the file system, page by page. */
const listAccessPoints = async (d: AccessPointDeps): Promise<AccessPointDescription[]> => {
  const out: AccessPointDescription[] = [];
  let NextToken: string | undefined;
  do {
    const page = await call(d, () =>
      d.efs.send(new DescribeAccessPointsCommand({ FileSystemId: d.settings.fileSystemId, MaxResults: 100, ...(NextToken ? { NextToken } : {}) })),
    );
    out.push(...(page.AccessPoints ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
};

const tagOf = (ap: AccessPointDescription, key: string): string | undefined => ap.Tags?.find((t) => t.Key === key)?.Value;

/**
 * Deletes each of `aps`; one that fails does not keep the others. DeleteAccessPoint's
 * `AccessPointNotFound` (404) means deleted already (a repeated clean-up); any other answer
 * (throttling, `InternalServerError`, `BadRequest`, access denied; EFS API Reference,
 * "DeleteAccessPoint", read 2026-12) leaves it to the sweep's next minute, and is thrown once
 * the rest are done.
 */
const deleteAll = async (d: AccessPointDeps, aps: readonly AccessPointDescription[]): Promise<number> => {
  let deleted = 0;
  const failed: unknown[] = [];
  for (const ap of aps) {
    try {
      await call(d, () => d.efs.send(new DeleteAccessPointCommand({ AccessPointId: ap.AccessPointId! })));
      deleted++;
    } catch (e) {
      if (errorName(e) !== GONE_ALREADY) failed.push(e);
    }
  }
  if (failed.length > 0) {
    const first = failed[0] as Error;
    throw Object.assign(new Error(`${failed.length} of ${aps.length} access points could not be deleted; first: ${first.name}: ${first.message}`), { name: first.name });
  }
  return deleted;
};

/** This deployment's access points of a run, as the run ends. */
export const deleteRunAccessPoints = async (d: AccessPointDeps, runId: string): Promise<number> =>
  deleteAll(
    d,
    (await listAccessPoints(d)).filter((ap) => tagOf(ap, DEPLOYMENT_TAG) === d.settings.familyPrefix && tagOf(ap, RUN_TAG) === runId),
  );

/**
 * The sweep's clean-up: this deployment's access points whose run is not active (a crash after
 * the run ended and before its clean-up). Access points are listed before the active runs, so a
 * run that starts meanwhile — already listed as active when its access points are made — is
 * never taken for an ended one.
 */
export const sweepAccessPoints = async (d: AccessPointDeps, activeRunIds: () => Promise<ReadonlySet<string>>): Promise<number> => {
  const ours = (await listAccessPoints(d)).filter((ap) => tagOf(ap, DEPLOYMENT_TAG) === d.settings.familyPrefix && tagOf(ap, RUN_TAG) !== undefined);
  if (ours.length === 0) return 0;
  const active = await activeRunIds();
  return deleteAll(d, ours.filter((ap) => !active.has(tagOf(ap, RUN_TAG)!)));
};
