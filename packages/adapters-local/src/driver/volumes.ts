/**
 * Where a container's volumes live on this machine. hyperp's own EFS volumes (`hyperp-…`: the
 * job's `/output`, `/input/<dep>`, `/shared/<name>`) are their artifact folders under
 * `.hyperp/artifacts/`, as on EFS. A user's EFS volume gets a folder of the run's own,
 * `{commit}/{runId}/{wfHash}/volumes/<hash of fileSystemId and rootDirectory>/`, shared by
 * every task of the run that mounts the same file system folder: never the artifact store
 * (a `rootDirectory` of "/" there would show every run's outputs, writable), never a host path.
 *
 * A folder per `rootDirectory`, rather than `rootDirectory` resolved inside one folder per file
 * system, keeps every component of a mount's path hyperp's own: a job can rename and link only
 * what it sees, and it sees no folder above another task's mount. Every folder is made and
 * checked without following links (`fs/contained.ts`).
 */
import { createHash } from 'node:crypto';
import { type TaskDefinition } from '@hyperp/core';
import { efsRootProblem, RESERVED_VOLUME_PREFIX } from '@hyperp/core/internal';
import type { Bind } from '../engine/sandbox.js';
import { mkdirContained, pathSegments, PathEscapeError } from '../fs/contained.js';

/** A volume the task definition asks for that this machine will not give (validate reports these). */
export class VolumeRefused extends Error {
  override readonly name = 'VolumeRefused';
}

type Container = TaskDefinition['containerDefinitions'][number];

/** The folder of a run's user volumes, from the job's `/output` (`{commit}/{runId}/{wfHash}/{jobHash}`). */
const runSpaceOf = (td: TaskDefinition): string | undefined => {
  const root = td.volumes?.find((v) => v.name === `${RESERVED_VOLUME_PREFIX}output`)?.efsVolumeConfiguration?.['rootDirectory'];
  if (typeof root !== 'string') return undefined;
  const segments = pathSegments(root.replace(/^\/+/, ''));
  return segments.length < 2 ? undefined : segments.slice(0, -1).join('/');
};

const folderKey = (fileSystemId: unknown, rootDirectory: string): string =>
  createHash('sha256').update(`${String(fileSystemId)}\0/${rootDirectory.split('/').filter((s) => s !== '' && s !== '.').join('/')}`).digest('hex').slice(0, 16);

export interface VolumeBinds {
  readonly binds: readonly Bind[];
  /** Mounts not given locally (host and docker volumes), for the task's log. */
  readonly notes: readonly string[];
}

/** The binds of container `c`; throws `VolumeRefused` for a volume that could lead out of the run's space. */
export const volumeBinds = (td: TaskDefinition, c: Container, artifactsDir: string): VolumeBinds => {
  const volumes = new Map((td.volumes ?? []).map((v) => [v.name, v]));
  const binds: Bind[] = [];
  const notes: string[] = [];
  for (const mp of c.mountPoints ?? []) {
    const volume = mp.sourceVolume === undefined ? undefined : volumes.get(mp.sourceVolume);
    const what = `container ${c.name}: volume ${mp.sourceVolume ?? '?'} at ${mp.containerPath ?? '?'}`;
    if (mp.sourceVolume !== undefined && volume === undefined) throw new VolumeRefused(`${what}: the task definition has no volume of that name`);
    const efs = volume?.efsVolumeConfiguration;
    if (efs === undefined || mp.containerPath === undefined) {
      notes.push(`${what} is not an EFS folder; not mounted locally`);
      continue;
    }
    const root = efs['rootDirectory'] ?? '/';
    if (typeof root !== 'string' || efsRootProblem(root) !== undefined) {
      throw new VolumeRefused(`${what}: efsVolumeConfiguration.rootDirectory ${JSON.stringify(root)} is not a folder of its file system`);
    }
    let rel: string;
    if (volume!.name.startsWith(RESERVED_VOLUME_PREFIX)) {
      rel = root.replace(/^\/+/, ''); // hyperp's own: the artifact path (local EFS root is "/")
    } else {
      const space = runSpaceOf(td);
      if (space === undefined) throw new VolumeRefused(`${what}: the task definition has no ${RESERVED_VOLUME_PREFIX}output volume to place it beside`);
      rel = `${space}/volumes/${folderKey(efs['fileSystemId'], root)}`;
    }
    let host: string;
    try {
      // A folder that should exist (EnsureDirectories) but does not: create it rather than fail the mount.
      host = mkdirContained(artifactsDir, rel);
    } catch (e) {
      if (e instanceof PathEscapeError) throw new VolumeRefused(`${what}: ${e.message}`);
      throw e;
    }
    binds.push({ host, sandbox: mp.containerPath, readOnly: mp.readOnly === true });
  }
  return { binds, notes };
};
