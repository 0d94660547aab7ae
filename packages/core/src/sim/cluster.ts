/**
 * A fake cluster that carries out the reducer's commands the way ECS and an adapter would, on
 * simulated time: launches are idempotent per `clientToken` (a repeated RunTask returns the task
 * it started before), tasks start after a latency and stop after their duration or when stopped,
 * builds take their time, and RunTask is throttled at Fargate's rate when asked. It reports
 * through `emit(at, event)`; `later(at, f)` runs its own steps at a time.
 */
import type { Command } from '../run/commands.js';
import type { RunEvent, TaskStateObserved } from '../run/events.js';
import type { LaunchRate } from '../run/settings.js';

/** What a simulated task does: how long it runs and its exit code. */
export interface TaskBehaviour {
  readonly durationMs: number;
  /** Exit code of every container of the task. */
  readonly exitCode: number;
}

/** How the simulated cluster behaves: start latency, build time, and each task's duration and exit code. */
export interface ClusterModel {
  /** From an accepted RunTask to RUNNING (placement, image pull). */
  readonly startLatencyMs: number;
  readonly task: (job: string, index: number, attempt: number) => TaskBehaviour;
  readonly buildMs: (key: string) => number;
  readonly buildFails?: (key: string) => boolean;
  /** From StopTask to STOPPED. */
  readonly stopDelayMs?: number;
  /** Throttle RunTask like Fargate does (null: never throttle). */
  readonly launchRate?: LaunchRate | null;
}

interface FakeTask {
  readonly taskArn: string;
  readonly startedBy: string;
  readonly kind: 'task' | 'build';
  readonly key: string;
  readonly launchedAt: number;
  /** Container names (from the RunTask overrides); each exits with the task's exit code. */
  readonly containers: readonly string[];
  runningAt: number | null;
  stopped: boolean;
}

/** What the fake cluster saw: tasks started, duplicates refused, throttles, stops. */
export interface ClusterCounts {
  /** Tasks really started, per clientToken: more than 1 would be a double start. */
  readonly startsPerToken: Map<string, number>;
  throttled: number;
  registrations: number;
  commitStatuses: number;
  deregistered: number;
}

/**
 * A simulated Fargate: carries out commands as a cluster would (idempotent launches, throttling,
 * stops) and answers with events.
 */
export class FakeCluster {
  readonly counts: ClusterCounts = { startsPerToken: new Map(), throttled: 0, registrations: 0, commitStatuses: 0, deregistered: 0 };
  private readonly byToken = new Map<string, FakeTask>();
  private readonly byStartedBy = new Map<string, FakeTask>();
  private tat = 0;
  private serial = 0;

  constructor(
    private readonly model: ClusterModel,
    private readonly emit: (at: number, event: RunEvent) => void,
    private readonly later: (at: number, f: () => void) => void,
  ) {}

  /** Tasks and builds started and not stopped. */
  running(): number {
    let n = 0;
    for (const t of this.byToken.values()) if (!t.stopped) n++;
    return n;
  }

  carryOut(now: number, c: Command): void {
    switch (c._tag) {
      case 'EnsureDirectories':
        return this.emit(now, { _tag: 'DirectoriesEnsured', at: now });
      case 'RegisterTaskDefinition': {
        // Like ECS: every registration is a new revision, even a repeated one.
        const revision = ++this.counts.registrations;
        return this.emit(now, {
          _tag: 'TaskDefinitionRegistered', at: now, job: c.job,
          taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${c.family}:${revision}`,
        });
      }
      case 'BuildImage':
        return this.build(now, c.clientToken, c.startedBy, c.key);
      case 'RunTask':
        return this.runTask(now, c.clientToken, c.startedBy, c.job, c.index, c.attempt, c.overrides.containerOverrides.map((o) => o.name));
      case 'StopTask':
        return this.stop(now, c.startedBy);
      case 'CreateDownloadable':
        return this.emit(now, { _tag: 'DownloadableReady', at: now, job: c.job, location: `s3://${c.bucket}/${c.objectKey}`, bytes: 1024 });
      case 'ScheduleWakeup':
        return this.later(Math.max(now, c.at), () => this.emit(Math.max(now, c.at), { _tag: 'Tick', at: Math.max(now, c.at) }));
      case 'SetCommitStatus':
        this.counts.commitStatuses++;
        return;
      case 'DeregisterTaskDefinitions':
        this.counts.deregistered += c.taskDefinitionArns.length;
        return;
      case 'RecordImage':
        return;
    }
  }

  /** Fargate-like throttling: false when the bucket is empty. */
  private admit(now: number): boolean {
    const rate = this.model.launchRate;
    if (rate === undefined || rate === null) return true;
    const interval = 1000 / rate.perSecond;
    const next = Math.max(this.tat, now) + interval;
    if (next - now > rate.burst * interval + 1e-6) return false;
    this.tat = next;
    return true;
  }

  private start(now: number, token: string, startedBy: string, kind: 'task' | 'build', key: string, containers: readonly string[]): FakeTask | undefined {
    const known = this.byToken.get(token);
    if (known !== undefined) return known;
    const task: FakeTask = {
      taskArn: `arn:aws:ecs:us-east-1:123456789012:task/hyperp/${(++this.serial).toString(16).padStart(8, '0')}`,
      startedBy, kind, key, launchedAt: now, containers, runningAt: null, stopped: false,
    };
    this.byToken.set(token, task);
    this.byStartedBy.set(startedBy, task);
    this.counts.startsPerToken.set(token, (this.counts.startsPerToken.get(token) ?? 0) + 1);
    return task;
  }

  private build(now: number, token: string, startedBy: string, key: string): void {
    const repeated = this.byToken.has(token);
    const task = this.start(now, token, startedBy, 'build', key, ['builder'])!;
    this.emit(now, { _tag: 'ImageBuildStarted', at: now, key, taskArn: task.taskArn });
    if (repeated) return;
    const done = now + this.model.buildMs(key);
    this.later(done, () => {
      if (task.stopped) return;
      task.stopped = true;
      const usage = { cpu: 1024, memory: 2048, arch: 'x86_64' as const, ephemeralStorageGiB: 20, pullStartedAt: now, startedAt: now, stoppedAt: done };
      this.emit(done, this.model.buildFails?.(key)
        ? { _tag: 'ImageBuildFailed', at: done, key, reason: 'the build exited with code 1', usage }
        : { _tag: 'ImageBuildSucceeded', at: done, key, imageUri: `repo:${key}`, usage });
    });
  }

  private runTask(now: number, token: string, startedBy: string, job: string, index: number, attempt: number, containers: readonly string[]): void {
    if (!this.byToken.has(token) && !this.admit(now)) {
      this.counts.throttled++;
      this.emit(now, { _tag: 'TaskLaunchRejected', at: now, startedBy, reason: 'ThrottlingException: Rate exceeded', retryable: true });
      return;
    }
    const repeated = this.byToken.has(token);
    const task = this.start(now, token, startedBy, 'task', job, containers)!;
    this.emit(now, { _tag: 'TaskLaunchAccepted', at: now, startedBy, taskArn: task.taskArn });
    if (repeated) return;
    const b = this.model.task(job, index, attempt);
    const running = now + this.model.startLatencyMs;
    const stop = running + b.durationMs;
    this.later(running, () => {
      if (task.stopped) return;
      task.runningAt = running;
      this.emit(running, this.observed(task, running, 'RUNNING', null, null));
    });
    this.later(stop, () => {
      if (task.stopped) return;
      task.stopped = true;
      this.emit(stop, this.observed(task, stop, 'STOPPED', b.exitCode, 'EssentialContainerExited'));
    });
  }

  private stop(now: number, startedBy: string): void {
    const task = this.byStartedBy.get(startedBy);
    if (task === undefined || task.stopped) return;
    const at = now + (this.model.stopDelayMs ?? 0);
    this.later(at, () => {
      if (task.stopped) return;
      task.stopped = true;
      if (task.kind === 'build') {
        this.emit(at, { _tag: 'ImageBuildFailed', at, key: task.key, reason: 'stopped', usage: null });
      } else {
        this.emit(at, this.observed(task, at, 'STOPPED', task.runningAt === null ? null : 143, 'UserInitiated'));
      }
    });
  }

  private observed(
    task: FakeTask, at: number, lastStatus: 'RUNNING' | 'STOPPED', exitCode: number | null, stopCode: string | null,
  ): TaskStateObserved {
    return {
      _tag: 'TaskStateObserved', at, startedBy: task.startedBy, taskArn: task.taskArn, lastStatus,
      containers: task.containers.map((name) => ({ name, exitCode, reason: null })),
      stopCode, stoppedReason: stopCode === null ? null : stopCode === 'UserInitiated' ? 'Task stopped by hyperp' : 'Essential container in task exited',
      pullStartedAt: task.launchedAt, startedAt: task.runningAt, stoppedAt: lastStatus === 'STOPPED' ? at : null,
      cpu: 256, memory: 512, arch: 'x86_64', ephemeralStorageGiB: 20,
    };
  }
}
