/**
 * Constructors for the events adapters produce most, with the fields they rarely know set to
 * null; tests and the simulator use them too. Each returns plain data.
 */
import type { CpuArchitecture } from '../cost/prices.js';
import type {
  CancelRequested, ContainerState, Millis, TaskLaunchAccepted, TaskLaunchRejected, TaskStateObserved, Tick,
} from './events.js';

/** A `Tick` event: time has passed; deliver one at or after each `ScheduleWakeup.at` (extra ticks are harmless). */
export const tick = (at: Millis): Tick => ({ _tag: 'Tick', at });

/** A `CancelRequested` event: stop the run; every running task is stopped and the run ends CANCELLED. */
export const cancelRequested = (at: Millis, reason: string, by: string | null = null): CancelRequested => ({
  _tag: 'CancelRequested', at, reason, by,
});

/** A `TaskLaunchAccepted` event: your scheduler accepted the launch named by `startedBy` and gave it `taskArn`. */
export const taskLaunchAccepted = (at: Millis, startedBy: string, taskArn: string): TaskLaunchAccepted => ({
  _tag: 'TaskLaunchAccepted', at, startedBy, taskArn,
});

/**
 * A `TaskLaunchRejected` event: the launch named by `startedBy` was refused; `retryable` for
 * throttling, so it is tried again without using up an attempt.
 */
export const taskLaunchRejected = (
  at: Millis, startedBy: string, reason: string, retryable: boolean,
): TaskLaunchRejected => ({ _tag: 'TaskLaunchRejected', at, startedBy, reason, retryable });

/**
 * Size and times of a task as ECS reports them. A size left out stays null in the event, and the
 * reducer bills the size it launched the task with; the architecture defaults to x86_64.
 */
export interface ObservedTask {
  readonly cpu?: number;
  readonly memory?: number;
  readonly arch?: CpuArchitecture;
  readonly ephemeralStorageGiB?: number;
  readonly pullStartedAt?: Millis | null;
  readonly startedAt?: Millis | null;
}

const observed = (
  at: Millis, startedBy: string, taskArn: string, o: ObservedTask,
): Omit<TaskStateObserved, 'lastStatus' | 'containers' | 'stopCode' | 'stoppedReason' | 'stoppedAt'> => ({
  _tag: 'TaskStateObserved',
  at,
  startedBy,
  taskArn,
  pullStartedAt: o.pullStartedAt ?? null,
  startedAt: o.startedAt ?? null,
  cpu: o.cpu ?? null,
  memory: o.memory ?? null,
  arch: o.arch ?? 'x86_64',
  ephemeralStorageGiB: o.ephemeralStorageGiB ?? 20,
});

/** A RUNNING state change. */
export const taskRunning = (
  at: Millis, startedBy: string, taskArn: string, containers: readonly string[], o: ObservedTask = {},
): TaskStateObserved => ({
  ...observed(at, startedBy, taskArn, { startedAt: at, ...o }),
  lastStatus: 'RUNNING',
  containers: containers.map((name): ContainerState => ({ name, exitCode: null, reason: null })),
  stopCode: null,
  stoppedReason: null,
  stoppedAt: null,
});

/** A STOPPED state change with each container's exit code. */
export const taskStopped = (
  at: Millis,
  startedBy: string,
  taskArn: string,
  exitCodes: Readonly<Record<string, number | null>>,
  o: ObservedTask & { readonly stopCode?: string; readonly stoppedReason?: string } = {},
): TaskStateObserved => ({
  ...observed(at, startedBy, taskArn, o),
  lastStatus: 'STOPPED',
  containers: Object.entries(exitCodes).map(([name, exitCode]): ContainerState => ({ name, exitCode, reason: null })),
  stopCode: o.stopCode ?? 'EssentialContainerExited',
  stoppedReason: o.stoppedReason ?? 'Essential container in task exited',
  stoppedAt: at,
});
