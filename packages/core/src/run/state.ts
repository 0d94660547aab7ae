/**
 * The state of one run, as `reduce` folds it from events. Plain JSON (no Map, no class, no
 * undefined: absent values are null), so an adapter stores it as it is. Collections that grow
 * with the run (jobs, tasks, images, timers, the launch queue) are persistent vectors, so one
 * event copies one path instead of the whole run. Read it with the functions in `view.ts`.
 */
import type { Heap } from './heap.js';
import { STATE_FORMAT_VERSION } from './state-format.js';
import type { Queue } from './queue.js';
import type { FailureClass, Millis, RunRequested, TaskUsage } from './events.js';
import type { Command } from './commands.js';
import type { Vec } from './vector.js';
import { vecEmpty } from './vector.js';
import { heapEmpty } from './heap.js';
import { queueEmpty } from './queue.js';
import { type StartedByIndex, startedByIndexEmpty } from './started-by-index.js';

/** The status of a run. */
export type RunStatus = 'PENDING' | 'BUILDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/**
 * PENDING: waits for dependencies; BUILDING: its own images are being built; READY: may start
 * (waits for its task definition, the folders or a launch slot); RUNNING: tasks launched;
 * SKIPPED: an upstream job failed, or the run was cancelled or failed fast before it started.
 */
export type JobStatus =
  | 'PENDING' | 'BUILDING' | 'READY' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'CANCELLED';

/**
 * One TASK_INDEX of a job. WAITING: job not started; QUEUED: waits for a launch slot; LAUNCHING:
 * RunTask sent; STARTING: accepted, not yet RUNNING; BACKOFF: an attempt failed, the next waits
 * for its time; CANCELLED: stopped or never launched because the job failed or the run ended.
 */
export type TaskStatus =
  | 'WAITING' | 'QUEUED' | 'LAUNCHING' | 'STARTING' | 'RUNNING' | 'BACKOFF'
  | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** One attempt of one task: what was asked and what ECS reported. */
export interface AttemptRecord {
  readonly attempt: number;
  readonly attemptKey: string;
  readonly startedBy: string;
  /** Null until the launch is accepted (or a state change names it). */
  readonly taskArn: string | null;
  /** When RunTask was sent; null while queued or backing off. */
  readonly launchedAt: Millis | null;
  /** Earliest time the attempt may be launched (back-off); null for the first attempt. */
  readonly notBefore: Millis | null;
  readonly runningAt: Millis | null;
  readonly stoppedAt: Millis | null;
  /** Last `lastStatus` seen; null before any state change. */
  readonly lastStatus: string | null;
  /** Set once, when the attempt is over. */
  readonly outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | null;
  /** Why it failed or was cancelled, for a person. */
  readonly reason: string | null;
  readonly exitCodes: Readonly<Record<string, number | null>>;
  readonly stopCode: string | null;
  /** Deadline from the job's `timeoutSeconds`, counted from the accepted launch; null before that, or for none. */
  readonly deadline: Millis | null;
  readonly timedOut: boolean;
  /** Reason of a stop asked for; `StopTask` is sent once the task ARN is known. */
  readonly stopReason: string | null;
  readonly stopSent: boolean;
  /** Launches refused with a retryable error (throttling), retried without using an attempt. */
  readonly throttled: number;
  readonly usage: TaskUsage | null;
  readonly costUsd: number;
}

/** A task of a job in the state (one `TASK_INDEX`): its status and attempts. */
export interface TaskRecord {
  /** TASK_INDEX, 1..concurrency. */
  readonly index: number;
  readonly status: TaskStatus;
  /** Oldest first; the last is the current one. */
  readonly attempts: readonly AttemptRecord[];
}

/** How many tasks of a job are in each status. */
export type TaskCounts = Readonly<Record<TaskStatus, number>>;

/** The downloadable zip of a job: asked for, ready (where) or failed (why). */
export interface DownloadableRecord {
  readonly status: 'PENDING' | 'READY' | 'FAILED';
  readonly location: string | null;
  readonly bytes: number | null;
  readonly reason: string | null;
}

/** A job of the run in the state: its status, its tasks and where its output is. */
export interface JobRecord {
  readonly name: string;
  readonly status: JobStatus;
  /** Why it failed, was skipped or cancelled; how it was reused. */
  readonly reason: string | null;
  /** Own images not yet available. */
  readonly imagesWaiting: number;
  /** Direct dependencies not yet SUCCEEDED. */
  readonly depsWaiting: number;
  readonly registration: 'NONE' | 'REGISTERING' | 'REGISTERED' | 'REJECTED';
  readonly taskDefinitionArn: string | null;
  /** Further revisions a repeated registration created; deregistered with the first. */
  readonly otherTaskDefinitionArns: readonly string[];
  /** Empty until the job starts, then one record per TASK_INDEX (index i at position i-1). */
  readonly tasks: Vec<TaskRecord>;
  /** Tasks per status: changed only when a task record changes status, so never past the mark. */
  readonly taskCounts: TaskCounts;
  readonly startedAt: Millis | null;
  readonly finishedAt: Millis | null;
  readonly costUsd: number;
  /** The run whose output folder holds this job's output (this run, or the one it reuses). */
  readonly outputRunId: string;
  readonly downloadable: DownloadableRecord | null;
}

/** An image of the run in the state: its key, status and build attempts. */
export interface ImageRecord {
  readonly key: string;
  /** The build's attempt key and `startedBy` (builds run as tasks on Fargate). */
  readonly attemptKey: string;
  readonly startedBy: string;
  /** REUSED: exists already; QUEUED: waits for a launch slot; BUILDING: BuildImage sent. */
  readonly status: 'REUSED' | 'QUEUED' | 'BUILDING' | 'BUILT' | 'FAILED' | 'UNUSED';
  readonly imageUri: string;
  readonly taskArn: string | null;
  /** When `BuildImage` was sent. */
  readonly startedAt: Millis | null;
  /** The engine reported the build started (`ImageBuildStarted` or an accepted launch). */
  readonly reportedStarted: boolean;
  readonly finishedAt: Millis | null;
  readonly reason: string | null;
  readonly stopReason: string | null;
  readonly stopSent: boolean;
  readonly costUsd: number;
  /** Launches of this build refused with a retryable error (absent in states saved before it was counted). */
  readonly throttled?: number;
}

/** Something the launch queue holds: a task attempt or an image build (both are RunTask calls on Fargate). */
export type LaunchRef =
  | { readonly kind: 'task'; readonly job: number; readonly index: number; readonly attempt: number }
  | { readonly kind: 'build'; readonly image: number };

/**
 * A point in time the run must act at: a retry's back-off ends, an attempt's deadline passes, or
 * a throttled launch may be tried again. Timers are never removed early; one that no longer
 * applies is dropped when it comes due.
 */
export interface Timer {
  readonly at: Millis;
  readonly kind: 'retry' | 'deadline' | 'relaunch';
  readonly ref: LaunchRef;
}

/** Per-image facts of the graph, fixed when the run is requested. */
export interface GraphImage {
  readonly key: string;
  readonly dockerfilePath: string;
  readonly context: string;
  /** First job and container that needs it. */
  readonly job: string;
  readonly container: string;
  readonly cpu: number;
  readonly memory: number;
  /** The plan's decision: build it, or reuse the image that exists for the key. */
  readonly action: 'build' | 'reuse';
  /** Jobs (indexes) whose containers use this image. */
  readonly jobs: readonly number[];
}

/**
 * Everything derived once from the request and never changed: name→index maps and adjacency
 * lists, so no event scans the workflow. Shared by reference between successive states.
 */
export interface RunGraph {
  readonly jobNames: readonly string[];
  readonly jobIndex: Readonly<Record<string, number>>;
  readonly deps: readonly (readonly number[])[];
  readonly dependents: readonly (readonly number[])[];
  readonly images: readonly GraphImage[];
  readonly imageIndex: Readonly<Record<string, number>>;
  /** Per job, image indexes of its containers (built or reused). */
  readonly jobImages: readonly (readonly number[])[];
  /** Per job, the container name → image index it is substituted with. */
  readonly containerImages: readonly Readonly<Record<string, number>>[];
  /** Per job, names of its essential containers (every container unless `essential: false`). */
  readonly essential: readonly (readonly string[])[];
  readonly wfHash: string;
  readonly jobHashes: readonly string[];
}

/**
 * A command that failed and is retried (or was, and then succeeded or was given up): what the
 * run's view shows as "retrying". One per command key (`commandKey`), so a run holds at most
 * one per job, task attempt and build — and only for commands that failed.
 */
export interface CommandRetry {
  /** `commandKey(command)`: which command this is, across its repeats. */
  readonly key: string;
  readonly command: Command;
  /** Failures so far (1 after the first). */
  readonly failures: number;
  readonly failure: FailureClass;
  /** The last failure, as the outside world said it. */
  readonly reason: string;
  /** When it is sent again; null once sent (or given up). */
  readonly retryAt: Millis | null;
  /** When it was last sent again; a failure reported before that is a late repeat. */
  readonly sentAt: Millis | null;
  /** Set when the retries were used up or the failure was permanent. */
  readonly gaveUp: boolean;
}

/** How many jobs of the run are in each status. */
export type JobCounts = Readonly<Record<JobStatus, number>>;

/** Why an event was ignored (a diagnostic's `code`). */
export type DiagnosticCode =
  | 'BeforeRunRequested'
  | 'AfterRunFinished'
  | 'SecondRunRequested'
  | 'InvalidRequest'
  | 'UnknownJob'
  | 'UnknownTask'
  | 'UnknownImage'
  | 'ImpossibleEvent'
  | 'CommandFailed';

/** An event the reducer ignored, and why: kept in the state for an operator to see. */
export interface Diagnostic {
  readonly at: Millis;
  readonly code: DiagnosticCode;
  readonly event: string;
  readonly detail: string;
}

/** Events the reducer ignored, each counted once, by kind; the last few kept for a person to read (`diagnostics.ts`). */
export interface Diagnostics {
  /** Distinct events ignored (a repeat among the last `diagnosticsSeenKept` is not counted again). */
  readonly ignored: number;
  readonly byCode: Readonly<Partial<Record<DiagnosticCode, number>>>;
  /** The most recent, newest last, at most `diagnosticsKept`. */
  readonly recent: readonly Diagnostic[];
  /** Identities (`eventIdentity`) of the last distinct ignored events, newest last, at most `diagnosticsSeenKept`. */
  readonly seen: readonly string[];
}

export const diagnosticsKept = 20;
export const diagnosticsSeenKept = 100;

/** Fargate usage and cost of the run so far; final once the run has ended. */
export interface RunTotals {
  readonly tasksUsd: number;
  readonly buildsUsd: number;
  readonly totalUsd: number;
  readonly vcpuSeconds: number;
  readonly gbSeconds: number;
}

/**
 * The state of one run: plain JSON, versioned by `formatVersion`. Persist it as it is; read it back
 * with `decodeRunState`.
 */
export interface RunState {
  /** The format of this state (`STATE_FORMAT_VERSION`); `decodeRunState` reads older ones and refuses newer. */
  readonly formatVersion: number;
  /** Null until `RunRequested`. */
  readonly runId: string | null;
  readonly status: RunStatus;
  /** The latest event time seen: the reducer's clock (never goes back). */
  readonly now: Millis;
  readonly requestedAt: Millis | null;
  /** When the first task was launched; null before. */
  readonly startedAt: Millis | null;
  readonly finishedAt: Millis | null;
  /** The request as received (workflow, plan, settings); null until `RunRequested`. */
  readonly request: RunRequested | null;
  readonly graph: RunGraph | null;
  readonly directories: 'PENDING' | 'READY' | 'FAILED';
  readonly jobs: Vec<JobRecord>;
  readonly jobCounts: JobCounts;
  readonly images: Vec<ImageRecord>;
  /** Launched and not yet stopped: task attempts, image builds; zips asked for and not answered. */
  readonly inFlight: { readonly tasks: number; readonly builds: number; readonly downloads: number };
  readonly launchQueue: Queue<LaunchRef>;
  /** Launch pacing (GCRA): the theoretical time the next launch slot frees up. */
  readonly pacerTat: Millis;
  readonly timers: Heap<Timer>;
  /** The earliest `ScheduleWakeup` asked for and not yet passed; null for none. */
  readonly wakeupAt: Millis | null;
  readonly cost: RunTotals;
  /** `startedBy` → the attempt or build it names. */
  readonly startedByIndex: StartedByIndex;
  /** Why the run failed (the first cause), for a person. */
  readonly failure: string | null;
  readonly cancel: { readonly at: Millis; readonly reason: string; readonly by: string | null } | null;
  /** Set when `failFast` took effect: everything is being stopped. */
  readonly stopping: boolean;
  /** Commands that failed and are (or were) retried; absent until a command fails. */
  readonly commandRetries?: readonly CommandRetry[];
  readonly diagnostics: Diagnostics;
}

export const zeroJobCounts: JobCounts = {
  PENDING: 0, BUILDING: 0, READY: 0, RUNNING: 0, SUCCEEDED: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0,
};

export const zeroTaskCounts: TaskCounts = {
  WAITING: 0, QUEUED: 0, LAUNCHING: 0, STARTING: 0, RUNNING: 0, BACKOFF: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0,
};

export const zeroCost: RunTotals = { tasksUsd: 0, buildsUsd: 0, totalUsd: 0, vcpuSeconds: 0, gbSeconds: 0 };

/** The state before any event: a run with no request yet. */
export const initialState = (): RunState => ({
  formatVersion: STATE_FORMAT_VERSION,
  runId: null,
  status: 'PENDING',
  now: 0,
  requestedAt: null,
  startedAt: null,
  finishedAt: null,
  request: null,
  graph: null,
  directories: 'PENDING',
  jobs: vecEmpty(),
  jobCounts: zeroJobCounts,
  images: vecEmpty(),
  inFlight: { tasks: 0, builds: 0, downloads: 0 },
  launchQueue: queueEmpty(),
  pacerTat: 0,
  timers: heapEmpty(),
  wakeupAt: null,
  cost: zeroCost,
  startedByIndex: startedByIndexEmpty,
  failure: null,
  cancel: null,
  stopping: false,
  diagnostics: { ignored: 0, byCode: {}, recent: [], seen: [] },
});

/** True for a run status that does not change again (SUCCEEDED, FAILED, CANCELLED): the run has ended. */
export const isTerminalRun = (s: RunStatus): boolean => s === 'SUCCEEDED' || s === 'FAILED' || s === 'CANCELLED';
/** True for a job status that does not change again (SUCCEEDED, FAILED, SKIPPED, CANCELLED). */
export const isTerminalJob = (s: JobStatus): boolean =>
  s === 'SUCCEEDED' || s === 'FAILED' || s === 'SKIPPED' || s === 'CANCELLED';
/** True for a task status that does not change again (SUCCEEDED, FAILED, CANCELLED). */
export const isTerminalTask = (s: TaskStatus): boolean => s === 'SUCCEEDED' || s === 'FAILED' || s === 'CANCELLED';
