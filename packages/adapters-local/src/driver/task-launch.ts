/**
 * From a registered task definition and a RunTask command to what an engine runs: each
 * container's image, command, environment (RunTask overrides on top), stop timeout, and its
 * mounts. hyperp's EFS volumes become folders under `.hyperp/artifacts/` (the EFS root directory
 * is the artifact path), so a task sees the same `/output`, `/input/<dep>` and `/shared/<name>`
 * as on Fargate; a user's EFS volume a folder of the run's own (see `volumes.ts`).
 */
import type { RunTask, TaskDefinition, CpuArchitecture } from '@hyperp/core';
import { volumeBinds } from './volumes.js';
import type { ContainerLaunch, ContainerLimits } from '../engine/types.js';

/** ECS's default time between SIGTERM and SIGKILL when `stopTimeout` is not set. */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 30;

export interface TaskSize {
  readonly cpu: number;
  readonly memory: number;
  readonly arch: CpuArchitecture;
  readonly ephemeralStorageGiB: number;
}

export const taskSize = (td: TaskDefinition): TaskSize => ({
  cpu: Number(td.cpu ?? 256),
  memory: Number(td.memory ?? 512),
  arch: td.runtimePlatform?.cpuArchitecture?.toUpperCase() === 'ARM64' ? 'arm64' : 'x86_64',
  ephemeralStorageGiB: td.ephemeralStorage?.sizeInGiB ?? 20,
});

/**
 * Processes and threads a container may have at once when its task definition sets no `nproc`
 * ulimit: far above what a build or a data job uses (threads count), far below a host's pid space.
 */
export const DEFAULT_PIDS_LIMIT = 4096;

/** The hard limit of the container's `nproc` ulimit, if it gives a usable one. */
const nprocLimit = (c: TaskDefinition['containerDefinitions'][number]): number | undefined => {
  // `ulimits` is kept from the task definition as written (the model passes unknown keys on).
  const ulimits = (c as { readonly ulimits?: unknown }).ulimits;
  if (!Array.isArray(ulimits)) return undefined;
  const nproc = ulimits.find((u): u is { hardLimit?: unknown; softLimit?: unknown } =>
    typeof u === 'object' && u !== null && (u as { name?: unknown }).name === 'nproc');
  const limit = nproc?.hardLimit ?? nproc?.softLimit;
  return typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : undefined;
};

/**
 * A container's limits as ECS applies them: its own `memory` (a hard limit) else the task's; its
 * `nproc` ulimit else DEFAULT_PIDS_LIMIT; `/tmp` a tmpfs as large as its memory (tmpfs pages
 * are memory: a bigger /tmp could only be filled by going over the memory limit).
 */
export const containerLimits = (td: TaskDefinition, c: TaskDefinition['containerDefinitions'][number]): ContainerLimits => {
  const task = taskSize(td).memory;
  const memoryMiB = typeof c.memory === 'number' && c.memory > 0 ? c.memory : Number.isFinite(task) && task > 0 ? task : 512;
  return { memoryMiB, pids: nprocLimit(c) ?? DEFAULT_PIDS_LIMIT, tmpMiB: memoryMiB };
};

/** The image key of `${repository}:${key}`, or the reference itself for images from elsewhere. */
export const imageKeyOf = (image: string, repository: string): string =>
  image.startsWith(`${repository}:`) ? image.slice(repository.length + 1) : image;

export interface LaunchPlan {
  readonly containers: readonly ContainerLaunch[];
  /** Mounts hyperp could not give locally (host volumes, other file systems), for the log. */
  readonly notes: readonly string[];
}

/** The container's `user` (kept from the task definition as written: the model passes unknown keys on). */
const userOf = (c: TaskDefinition['containerDefinitions'][number]): string | undefined => {
  const user = (c as { readonly user?: unknown }).user;
  return typeof user === 'string' && user !== '' ? user : undefined;
};

export const launchPlan = (td: TaskDefinition, cmd: Pick<RunTask, 'overrides'>, artifactsDir: string, repository: string): LaunchPlan => {
  const notes: string[] = [];
  const containers = td.containerDefinitions.map((c): ContainerLaunch => {
    const { binds, notes: volumeNotes } = volumeBinds(td, c, artifactsDir);
    notes.push(...volumeNotes);
    const environment: Record<string, string> = {};
    for (const kv of c.environment ?? []) environment[kv.name] = kv.value;
    for (const kv of cmd.overrides.containerOverrides.find((o) => o.name === c.name)?.environment ?? []) environment[kv.name] = kv.value;
    return {
      name: c.name,
      image: imageKeyOf(c.image ?? '', repository),
      essential: c.essential !== false,
      ...(c.command ? { command: c.command } : {}),
      ...(c.entryPoint ? { entryPoint: c.entryPoint } : {}),
      ...(c.workingDirectory ? { workingDirectory: c.workingDirectory } : {}),
      ...(userOf(c) === undefined ? {} : { user: userOf(c)! }),
      environment,
      stopTimeoutSeconds: c.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS,
      binds,
      limits: containerLimits(td, c),
    };
  });
  return { containers, notes };
};
