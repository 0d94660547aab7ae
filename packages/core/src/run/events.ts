/**
 * Run events: past-tense facts about one run, the only input of `reduce`. Every event carries
 * `at`, the time it happened in epoch milliseconds (numbers: deadlines, back-offs and launch
 * pacing are arithmetic on them, and JSON keeps them exact). Events may arrive twice, late or out
 * of order; the reducer copes. Each is plain JSON.
 */
import type { WorkflowPlan } from '../plan/types.js';
import type { WorkflowSpec } from '../workflow/spec.js';
import type { CpuArchitecture } from '../cost/prices.js';
import type { RunSettings } from './settings.js';
import type { Command } from './commands.js';
import type { RunInputs } from '../workflow/inputs.js';

/** Epoch milliseconds. */
export type Millis = number;

/** What started the run. */
export type Trigger =
  | { readonly kind: 'push'; readonly deliveryId: string | null; readonly sender: string | null }
  /** `name`: the cron trigger's own, when it has one (its fixed inputs are the run's). */
  | { readonly kind: 'cron'; readonly schedule: string; readonly name?: string }
  | { readonly kind: 'manual'; readonly requestedBy: string | null }
  | { readonly kind: 'rerun'; readonly fromRunId: string; readonly failedOnly: boolean };

/** A job of a rerun that is not run again: its outputs are those of the run that produced them. */
export interface ReusedJob {
  readonly job: string;
  /** The run whose output folder holds the job's output (the first run that produced it). */
  readonly runId: string;
}

/** A run was asked for: everything the run needs, decided before it starts. Opens the run. */
export interface RunRequested {
  readonly _tag: 'RunRequested';
  readonly at: Millis;
  readonly runId: string;
  readonly trigger: Trigger;
  readonly commit: string;
  readonly branch: string;
  /** The working tree had uncommitted changes (local mode); always false on AWS. */
  readonly dirty: boolean;
  readonly workflow: WorkflowSpec;
  /** The plan of this workflow (`Plan.workflows[i]`): per job and container, build or reuse. */
  readonly plan: WorkflowPlan;
  readonly settings: RunSettings;
  /** Jobs taken over from an earlier run (rerun of failed jobs); empty otherwise. */
  readonly reuse: readonly ReusedJob[];
  /**
   * The run's inputs, checked against `workflow.inputs` (`resolveInputs`), defaults filled in;
   * absent in requests of workflows without inputs (and of logs written before inputs existed).
   */
  readonly inputs?: RunInputs;
}

/** The run's artifact folders (job outputs, shared folders) exist. Answers `EnsureDirectories`. */
export interface DirectoriesEnsured {
  readonly _tag: 'DirectoriesEnsured';
  readonly at: Millis;
}

/** The run's artifact folders could not be made (after the adapter's own retries). Fails the run. */
export interface DirectoriesFailed {
  readonly _tag: 'DirectoriesFailed';
  readonly at: Millis;
  readonly reason: string;
}

/** A job's task definition was registered. Answers `RegisterTaskDefinition`. */
export interface TaskDefinitionRegistered {
  readonly _tag: 'TaskDefinitionRegistered';
  readonly at: Millis;
  readonly job: string;
  /** `arn:aws:ecs:…:task-definition/family:revision` (local mode: any reference it resolves). */
  readonly taskDefinitionArn: string;
}

/** Registration was refused (invalid definition, permissions). Fails the job. */
export interface TaskDefinitionRejected {
  readonly _tag: 'TaskDefinitionRejected';
  readonly at: Millis;
  readonly job: string;
  readonly reason: string;
}

/** Fargate usage of a task or build, as ECS reports it: what cost is computed from. */
export interface TaskUsage {
  /** Task-level CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  /** Task-level memory, MiB. */
  readonly memory: number;
  readonly arch: CpuArchitecture;
  /** Ephemeral storage, GiB (20 included). */
  readonly ephemeralStorageGiB: number;
  /** Billing starts when the image pull starts… */
  readonly pullStartedAt: Millis;
  /**
   * …of a task that started: null when it never did (it costs 0). Absent from usage recorded
   * before it was kept; such a task is billed from its pull, as it was then.
   */
  readonly startedAt?: Millis | null;
  /** …and ends when the task stops (one-minute minimum). */
  readonly stoppedAt: Millis;
}

/** An image build began. Answers `BuildImage`. */
export interface ImageBuildStarted {
  readonly _tag: 'ImageBuildStarted';
  readonly at: Millis;
  readonly key: string;
  /** The builder task's ARN; null where the engine has none (local builds). */
  readonly taskArn: string | null;
}

/** An image was built and pushed. Answers `BuildImage`. */
export interface ImageBuildSucceeded {
  readonly _tag: 'ImageBuildSucceeded';
  readonly at: Millis;
  readonly key: string;
  readonly imageUri: string;
  /** The builder's Fargate usage; null for builds that cost nothing (local). */
  readonly usage: TaskUsage | null;
}

/** An image build failed (or was stopped). Fails every job that needs the image. */
export interface ImageBuildFailed {
  readonly _tag: 'ImageBuildFailed';
  readonly at: Millis;
  readonly key: string;
  readonly reason: string;
  readonly usage: TaskUsage | null;
}

/**
 * RunTask accepted a task attempt or an image build. Answers `RunTask` and, on engines that run
 * builds as tasks, `BuildImage`.
 */
export interface TaskLaunchAccepted {
  readonly _tag: 'TaskLaunchAccepted';
  readonly at: Millis;
  /** The `startedBy` the command carried: names the attempt (or build) in every task event. */
  readonly startedBy: string;
  readonly taskArn: string;
}

/** RunTask failed for an attempt or build (a `failures[]` entry or an API error). */
export interface TaskLaunchRejected {
  readonly _tag: 'TaskLaunchRejected';
  readonly at: Millis;
  readonly startedBy: string;
  readonly reason: string;
  /**
   * True for throttling and capacity errors (ThrottlingException, RESOURCE:*, AGENT): the launch
   * is retried without using up an attempt, a bounded number of times (`command-retries.ts`).
   * False counts as a failed attempt.
   */
  readonly retryable: boolean;
}

/** An essential or side container's state inside a task state change. */
export interface ContainerState {
  readonly name: string;
  /** Null while running or when the container never started. */
  readonly exitCode: number | null;
  readonly reason: string | null;
}

/** ECS lifecycle statuses a task passes through (ECS `lastStatus`). */
export type EcsTaskStatus =
  | 'PROVISIONING' | 'PENDING' | 'ACTIVATING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING'
  | 'DEPROVISIONING' | 'STOPPED';

/**
 * A task's state as ECS (or the local engine) reported it. May come twice, late, reordered. A
 * builder task's STOPPED state ends its build (exit 0 of every essential container: built).
 */
export interface TaskStateObserved {
  readonly _tag: 'TaskStateObserved';
  readonly at: Millis;
  /** ECS `startedBy`: the value the `RunTask` (or `BuildImage`) command carried. */
  readonly startedBy: string;
  readonly taskArn: string;
  readonly lastStatus: EcsTaskStatus;
  readonly containers: readonly ContainerState[];
  /** ECS stop code (`EssentialContainerExited`, `UserInitiated`, `TaskFailedToStart`, …). */
  readonly stopCode: string | null;
  readonly stoppedReason: string | null;
  readonly pullStartedAt: Millis | null;
  readonly startedAt: Millis | null;
  readonly stoppedAt: Millis | null;
  /**
   * Task-level size as launched (CPU units, MiB) and architecture: what the cost is computed on.
   * null when the adapter does not know it: the reducer then bills the size it asked for (the
   * job's task definition; a build's `imageBuildResources`).
   */
  readonly cpu: number | null;
  readonly memory: number | null;
  readonly arch: CpuArchitecture;
  readonly ephemeralStorageGiB: number;
}

/** A downloadable zip of a job's output exists. Answers `CreateDownloadable`. */
export interface DownloadableReady {
  readonly _tag: 'DownloadableReady';
  readonly at: Millis;
  readonly job: string;
  /** Where it is (`s3://bucket/key`, or a local path). */
  readonly location: string;
  readonly bytes: number;
}

/** A job's zip could not be made. The job stays SUCCEEDED; the zip is marked failed. */
export interface DownloadableFailed {
  readonly _tag: 'DownloadableFailed';
  readonly at: Millis;
  readonly job: string;
  readonly reason: string;
}

/** Someone asked to cancel the run. Stops everything; the run ends CANCELLED. */
export interface CancelRequested {
  readonly _tag: 'CancelRequested';
  readonly at: Millis;
  readonly reason: string;
  readonly by: string | null;
}

/**
 * How an adapter classified a command's failure. `retryable`: the outside world said "not now"
 * (throttling, a 5xx, no capacity, a network error); `permanent`: the request cannot succeed as
 * it is (validation, access denied, not found); `unknown`: an error nobody classified, retried
 * a few times and then treated as permanent.
 */
export type FailureClass = 'retryable' | 'permanent' | 'unknown';

/**
 * Carrying out a command failed. The reducer retries it after a back-off (bounded per command)
 * or, for a permanent failure or once the retries are used up, fails what the command was for:
 * the job (registration, launch, stop), the run (its folders), the zip. Every command an adapter
 * carries out ends in its result events or in this one, so nothing waits for an answer forever.
 */
export interface CommandFailed {
  readonly _tag: 'CommandFailed';
  readonly at: Millis;
  /** The command as it was asked for (sent again as it is when it is retried). */
  readonly command: Command;
  readonly failure: FailureClass;
  /** What the outside world said, for a person (`ThrottlingException: Rate exceeded`). */
  readonly reason: string;
}

/** Time passed: the clock, for deadlines, back-offs and launch pacing. Answers `ScheduleWakeup`. */
export interface Tick {
  readonly _tag: 'Tick';
  readonly at: Millis;
}

/** Every event the reducer takes: facts from the outside world, each with its time `at` (epoch milliseconds). */
export type RunEvent =
  | RunRequested
  | DirectoriesEnsured
  | DirectoriesFailed
  | TaskDefinitionRegistered
  | TaskDefinitionRejected
  | ImageBuildStarted
  | ImageBuildSucceeded
  | ImageBuildFailed
  | TaskLaunchAccepted
  | TaskLaunchRejected
  | TaskStateObserved
  | DownloadableReady
  | DownloadableFailed
  | CancelRequested
  | CommandFailed
  | Tick;

/** The `_tag` of a run event. */
export type RunEventTag = RunEvent['_tag'];
