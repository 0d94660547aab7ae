/**
 * Commands: what the reducer asks the outside world to do, as plain JSON. Each carries all an
 * adapter needs to act without reading the run's state, and each is safe to carry out twice
 * (a crash between saving state and acting repeats them): RunTask is deduplicated by its
 * `clientToken`, the rest are idempotent by nature. `commandResults` names the events that
 * report each command's outcome.
 */
import type { RepoFile } from '../repo/snapshot.js';
import type { RunTaskOverrides } from '../render/overrides.js';
import type { RenderedTaskDefinition } from '../render/taskdef.js';
import type { Millis, RunEventTag } from './events.js';

/** A resource tag hyperp puts on what it starts: `{ key, value }`. */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** ECS RunTask `overrides` as hyperp uses them: TASK_INDEX and TASK_TOTAL_SIZE per container. */
export type TaskOverrides = RunTaskOverrides;

/** Make the run's artifact folders (relative to the artifacts root: EFS access point or `.hyperp/artifacts`). */
export interface EnsureDirectories {
  readonly _tag: 'EnsureDirectories';
  readonly runId: string;
  /** `{commit}/{runId}/{wfHash}/{jobHash}` per job run here, `…/shared/{name}` per shared folder. */
  readonly paths: readonly string[];
  /**
   * Files to write (relative to the same root) once the folders exist: the run's
   * `inputs.json`, shown to its tasks at `/run/hyperp`. Absent when there are none.
   */
  readonly files?: readonly { readonly path: string; readonly text: string }[];
  /**
   * Secret files to write (on a deployment: `RenderSettings.secretsOnEfs`), each in one of
   * `paths`, by the secret's name: the adapter reads the value from the repository's secrets
   * and writes it readable by its owner only. Absent when no job declares secrets.
   */
  readonly secrets?: readonly { readonly path: string; readonly name: string }[];
}

/**
 * Build one image (every job and container needing this key waits for it). An engine that runs
 * builds as tasks (kaniko on Fargate) answers with the task events under `startedBy`; one that
 * builds directly answers with `ImageBuild*` events under `key`. Either path ends the build.
 */
export interface BuildImage {
  readonly _tag: 'BuildImage';
  readonly runId: string;
  readonly key: string;
  /** The first job and container that asked for the image (for logs and tags). */
  readonly job: string;
  readonly container: string;
  readonly commit: string;
  readonly dockerfilePath: string;
  /** Build context, a repo path ('' for the repo root). */
  readonly context: string;
  /** Where the image goes (`imageUri(settings.render.imageRepository, key)`). */
  readonly imageUri: string;
  /** Builder task size (Fargate CPU units, MiB). */
  readonly cpu: number;
  readonly memory: number;
  readonly attemptKey: string;
  readonly clientToken: string;
  readonly startedBy: string;
  readonly tags: readonly Tag[];
}

/** Register a job's rendered task definition (images substituted, volumes and roles filled in). */
export interface RegisterTaskDefinition {
  readonly _tag: 'RegisterTaskDefinition';
  readonly runId: string;
  readonly job: string;
  readonly family: string;
  /** The RegisterTaskDefinition input (`renderTaskDefinition`): images, EFS mounts, awslogs set. */
  readonly taskDefinition: RenderedTaskDefinition;
  readonly tags: readonly Tag[];
}

/** Launch one attempt of one task of a job. */
export interface RunTask {
  readonly _tag: 'RunTask';
  readonly runId: string;
  readonly job: string;
  /** TASK_INDEX, 1..concurrency. */
  readonly index: number;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** `{runId}/{job}/{index}/{attempt}`: events about this task name it. */
  readonly attemptKey: string;
  /** RunTask idempotency token (≤ 64 characters): a repeated command starts no second task. */
  readonly clientToken: string;
  /** ECS `startedBy`: lets a task state change be mapped back to this attempt. */
  readonly startedBy: string;
  /** `family:revision` ARN from `TaskDefinitionRegistered`. */
  readonly taskDefinitionArn: string;
  readonly overrides: TaskOverrides;
  readonly tags: readonly Tag[];
}

/** Stop a running task or build; its STOPPED state follows as a `TaskStateObserved` (or build event). */
export interface StopTask {
  readonly _tag: 'StopTask';
  readonly runId: string;
  readonly attemptKey: string;
  readonly startedBy: string;
  /** Null when the engine reported none (local builds); stop by attempt key then. */
  readonly taskArn: string | null;
  readonly reason: string;
}

/** Zip a succeeded job's output for download. */
export interface CreateDownloadable {
  readonly _tag: 'CreateDownloadable';
  readonly runId: string;
  readonly job: string;
  /** The job's output folder, relative to the artifacts root. */
  readonly sourcePath: string;
  readonly bucket: string;
  /** `hyperp-artifacts/{commit}/{runId}/{wfHash}/{jobHash}/artifacts.zip`. */
  readonly objectKey: string;
}

/**
 * Remember a built image in the image store, so later plans reuse it: the whole record a plan
 * reads (`storedImageOf` makes the `StoredImage`), so an adapter needs nothing but the command.
 */
export interface RecordImage {
  readonly _tag: 'RecordImage';
  readonly runId: string;
  readonly key: string;
  readonly imageUri: string;
  /** The workflow, job and container it was first built for: the lineage a rebuild is explained against. */
  readonly workflow: string;
  readonly job: string;
  readonly container: string;
  /** Repo path of its Dockerfile. */
  readonly dockerfilePath: string;
  readonly commit: string;
  readonly builtAt: Millis;
  /**
   * The files that made the key (the plan's `ImagePlan.files`); null when the plan did not carry
   * them (a plan made before plans did, or a rerun building an image its first run reused).
   */
  readonly files: readonly RepoFile[] | null;
}

/** Deregister (and delete) the task definitions this run registered; sent once, when it ends. */
export interface DeregisterTaskDefinitions {
  readonly _tag: 'DeregisterTaskDefinitions';
  readonly runId: string;
  readonly taskDefinitionArns: readonly string[];
  /** As the run ends on a deployment: its jobs' secrets folders, to remove with their files. */
  readonly secretFolders?: readonly string[];
}

/** The state of a commit status (GitHub's names). */
export type CommitState = 'pending' | 'success' | 'failure' | 'error';

/** Set the GitHub commit status of the run's commit (local mode may ignore it). */
export interface SetCommitStatus {
  readonly _tag: 'SetCommitStatus';
  readonly runId: string;
  readonly commit: string;
  readonly context: string;
  readonly state: CommitState;
  /** ≤ 140 characters (GitHub's limit). */
  readonly description: string;
  readonly targetUrl: string | null;
}

/** Deliver a `Tick` at (or soon after) this time; earlier ticks are harmless. */
export interface ScheduleWakeup {
  readonly _tag: 'ScheduleWakeup';
  readonly runId: string;
  readonly at: Millis;
}

/** Every command `reduce` returns: plain JSON data your orchestrator carries out, reporting the results as events. */
export type Command =
  | EnsureDirectories
  | BuildImage
  | RegisterTaskDefinition
  | RunTask
  | StopTask
  | CreateDownloadable
  | RecordImage
  | DeregisterTaskDefinitions
  | SetCommitStatus
  | ScheduleWakeup;

/** The `_tag` of a command. */
export type CommandTag = Command['_tag'];

/** The events that report each command's outcome (empty: fire and forget, retried by the adapter). */
export const commandResults: { readonly [K in CommandTag]: readonly RunEventTag[] } = {
  EnsureDirectories: ['DirectoriesEnsured', 'DirectoriesFailed'],
  BuildImage: ['ImageBuildStarted', 'ImageBuildSucceeded', 'ImageBuildFailed', 'TaskLaunchAccepted', 'TaskLaunchRejected', 'TaskStateObserved'],
  RegisterTaskDefinition: ['TaskDefinitionRegistered', 'TaskDefinitionRejected'],
  RunTask: ['TaskLaunchAccepted', 'TaskLaunchRejected', 'TaskStateObserved'],
  StopTask: ['TaskStateObserved', 'ImageBuildFailed'],
  CreateDownloadable: ['DownloadableReady', 'DownloadableFailed'],
  RecordImage: [],
  DeregisterTaskDefinitions: [],
  SetCommitStatus: [],
  ScheduleWakeup: ['Tick'],
};
