/**
 * From a registered task definition and a RunTask command to what an engine runs: each
 * container's image, command, environment (RunTask overrides on top), stop timeout, and its
 * mounts. hyperp's EFS volumes become folders under `.hyperp/artifacts/` (the EFS root directory
 * is the artifact path), so a task sees the same `/output`, `/input/<dep>` and `/shared/<name>`
 * as on Fargate.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunTask, TaskDefinition, CpuArchitecture } from '@hyperp/core';
import type { Bind } from '../engine/sandbox.js';
import type { ContainerLaunch } from '../engine/types.js';

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

/** The image key of `${repository}:${key}`, or the reference itself for images from elsewhere. */
export const imageKeyOf = (image: string, repository: string): string =>
  image.startsWith(`${repository}:`) ? image.slice(repository.length + 1) : image;

export interface LaunchPlan {
  readonly containers: readonly ContainerLaunch[];
  /** Mounts hyperp could not give locally (host volumes, other file systems), for the log. */
  readonly notes: readonly string[];
}

export const launchPlan = (td: TaskDefinition, cmd: Pick<RunTask, 'overrides'>, artifactsDir: string, repository: string): LaunchPlan => {
  const notes: string[] = [];
  const volumes = new Map((td.volumes ?? []).map((v) => [v.name, v]));
  const containers = td.containerDefinitions.map((c): ContainerLaunch => {
    const binds: Bind[] = [];
    for (const mp of c.mountPoints ?? []) {
      const efs = mp.sourceVolume ? volumes.get(mp.sourceVolume)?.efsVolumeConfiguration : undefined;
      const root = typeof efs?.['rootDirectory'] === 'string' ? efs['rootDirectory'] : undefined;
      if (root === undefined || mp.containerPath === undefined) {
        notes.push(`container ${c.name}: volume ${mp.sourceVolume ?? '?'} at ${mp.containerPath ?? '?'} is not an EFS folder; not mounted locally`);
        continue;
      }
      const segments = root.split('/').filter((s) => s !== '' && s !== '.');
      if (segments.includes('..')) {
        notes.push(`container ${c.name}: volume ${mp.sourceVolume} points outside the artifacts folder (${root}); not mounted`);
        continue;
      }
      const host = join(artifactsDir, ...segments);
      // A folder that should exist (EnsureDirectories) but does not: create it rather than fail the mount.
      mkdirSync(host, { recursive: true });
      binds.push({ host, sandbox: mp.containerPath, readOnly: mp.readOnly === true });
    }
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
      environment,
      stopTimeoutSeconds: c.stopTimeout ?? DEFAULT_STOP_TIMEOUT_SECONDS,
      binds,
    };
  });
  return { containers, notes };
};
