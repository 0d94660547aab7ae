/**
 * The task definition hyperp registers for one job of one run: the repo's task definition with
 * every built container's `image` set to its image, hyperp's EFS volumes and mount points
 * added, awslogs configured where the user gave no log configuration, and Fargate's required
 * settings. Everything else the user wrote — environment included — is kept as written.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ContainerDefinition, MountPoint, TaskDefinition, Volume } from '../taskdef/model.js';
import type { JobSpec, WorkflowSpec } from '../workflow/spec.js';
import { taskDefinitionFamily } from '../names/family.js';
import { imageUri } from '../names/images.js';
import { logStreamPrefix } from '../names/logs.js';
import type { RenderIssue } from './issues.js';
import { hyperpMounts, pathsOverlap, RESERVED_VOLUME_PREFIX, type HyperpMount } from './mounts.js';
import { efsDirectory, type RenderSettings } from './settings.js';

/** A container of a rendered task definition: its image set, hyperp's mounts and environment added. */
export type RenderedContainer = Omit<ContainerDefinition, 'dockerfilePath'> & {
  readonly image: string;
  readonly mountPoints: readonly MountPoint[];
  readonly logConfiguration: Readonly<Record<string, unknown>>;
};

/** RegisterTaskDefinition input. */
export type RenderedTaskDefinition = Omit<TaskDefinition, 'containerDefinitions' | 'cpu' | 'memory' | 'volumes'> & {
  readonly family: string;
  readonly cpu: string;
  readonly memory: string;
  readonly networkMode: 'awsvpc';
  readonly requiresCompatibilities: readonly ['FARGATE'];
  readonly containerDefinitions: readonly RenderedContainer[];
  readonly volumes: readonly Volume[];
};

export interface RenderInput {
  readonly workflow: Pick<WorkflowSpec, 'name' | 'sharedArtifacts' | 'inputs'>;
  readonly job: Pick<JobSpec, 'name' | 'dependsOn' | 'taskDefinition' | 'secrets'>;
  readonly commit: string;
  readonly runId: string;
  /** Image key per container that names a `dockerfilePath` (built or reused, from the plan). */
  readonly imageKeys: Readonly<Record<string, string>>;
  /** Run whose outputs a dependency's `/input` shows; default this run. */
  readonly inputRuns?: Readonly<Record<string, string>>;
  readonly settings: RenderSettings;
}

const volumeOf = (m: HyperpMount, settings: RenderSettings): Volume => ({
  name: m.volumeName,
  efsVolumeConfiguration: {
    fileSystemId: settings.efs.fileSystemId,
    rootDirectory: efsDirectory(settings, m.artifactPath),
    transitEncryption: 'ENABLED',
    authorizationConfig: { iam: 'ENABLED' },
  },
});

const conflicts = (td: TaskDefinition, mounts: readonly HyperpMount[]): RenderIssue[] => [
  ...(td.volumes ?? [])
    .filter((v) => v.name.startsWith(RESERVED_VOLUME_PREFIX))
    .map((v): RenderIssue => ({ _tag: 'ReservedVolumeName', volume: v.name })),
  ...td.containerDefinitions.flatMap((c) =>
    (c.mountPoints ?? []).flatMap((mp): RenderIssue[] => {
      const hit = mp.containerPath === undefined ? undefined : mounts.find((m) => pathsOverlap(m.containerPath, mp.containerPath!));
      return hit ? [{ _tag: 'MountConflict', container: c.name, containerPath: mp.containerPath!, hyperpPath: hit.containerPath }] : [];
    }),
  ),
];

const sizeIssues = (td: TaskDefinition): RenderIssue[] => {
  const missing = [td.cpu === undefined ? 'cpu' : '', td.memory === undefined ? 'memory' : ''].filter((s) => s !== '');
  return missing.length === 0 ? [] : [{ _tag: 'MissingTaskSize', missing: missing.join(' and ') as 'cpu' | 'memory' | 'cpu and memory' }];
};

export const renderTaskDefinition = (input: RenderInput): E.Either<readonly RenderIssue[], RenderedTaskDefinition> => {
  const { workflow, job, settings } = input;
  const td = job.taskDefinition;
  const mounts = hyperpMounts({
    scope: { commit: input.commit, runId: input.runId, workflow: workflow.name },
    job: job.name,
    dependsOn: job.dependsOn,
    sharedArtifacts: workflow.sharedArtifacts,
    inputRuns: input.inputRuns,
    runFiles: (workflow.inputs ?? []).length > 0,
    secrets: settings.secretsOnEfs === true && (job.secrets ?? []).length > 0,
  });
  const issues: RenderIssue[] = [
    ...sizeIssues(td),
    ...(td.networkMode !== undefined && td.networkMode !== 'awsvpc' ? [{ _tag: 'UnsupportedNetworkMode', networkMode: td.networkMode } as const] : []),
    ...td.containerDefinitions
      .filter((c) => c.dockerfilePath !== undefined && !Object.hasOwn(input.imageKeys, c.name))
      .map((c): RenderIssue => ({ _tag: 'MissingImageKey', container: c.name })),
    ...td.containerDefinitions
      .filter((c) => c.dockerfilePath === undefined && c.image === undefined)
      .map((c): RenderIssue => ({ _tag: 'NoImage', container: c.name })),
    ...conflicts(td, mounts),
  ];
  if (issues.length > 0) return E.left(issues);

  const streamPrefix = logStreamPrefix(input.runId, workflow.name, job.name);
  const containerDefinitions = td.containerDefinitions.map(({ dockerfilePath, ...c }): RenderedContainer => ({
    ...c,
    image: dockerfilePath !== undefined ? imageUri(settings.imageRepository, input.imageKeys[c.name]!) : c.image!,
    mountPoints: [
      ...(c.mountPoints ?? []),
      ...mounts.map((m) => ({ sourceVolume: m.volumeName, containerPath: m.containerPath, readOnly: m.readOnly })),
    ],
    logConfiguration: c.logConfiguration ?? {
      logDriver: 'awslogs',
      options: { 'awslogs-group': settings.logGroup, 'awslogs-region': settings.region, 'awslogs-stream-prefix': streamPrefix },
    },
  }));
  const executionRoleArn = td.executionRoleArn ?? settings.executionRoleArn;
  const taskRoleArn = td.taskRoleArn ?? settings.taskRoleArn;
  return E.right({
    ...td,
    family: taskDefinitionFamily(workflow.name, job.name, settings.familyPrefix),
    cpu: String(td.cpu),
    memory: String(td.memory),
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    ...(executionRoleArn !== undefined ? { executionRoleArn } : {}),
    ...(taskRoleArn !== undefined ? { taskRoleArn } : {}),
    containerDefinitions,
    volumes: [...(td.volumes ?? []), ...mounts.map((m) => volumeOf(m, settings))],
  });
};
