/**
 * The sweep (an EventBridge schedule, every minute). For every active run it appends a `Tick`
 * (one per minute: its id is the minute) so deadlines, back-offs and launch pacing move without
 * a live caller, and asks ECS about the run's in-flight tasks (DescribeTasks, 100 at a time): a
 * state change whose event was lost is appended under the id EventBridge's copy would have had,
 * so whichever arrives second is a no-op; a task ECS no longer knows (`MISSING`) ends as stopped
 * unobserved. An attempt launched without a task ARN in the state (its RunTask answer was lost)
 * is looked up by its `startedBy`. Then it stops hyperp tasks still
 * running for runs that have ended (orphans of a lost StopTask). Each run is swept on its own: a
 * failure for one (ECS refusing, a damaged item) is logged and counted, and the others go on.
 */
import { DescribeTasksCommand, ListTasksCommand, StopTaskCommand, type ECSClient, type Failure, type Task } from '@aws-sdk/client-ecs';
import type { RunEvent, TaskStateObserved } from '@hyperp/core';
import type { AwsConfig } from '../config.js';
import { withThrottlingRetry, type RetryPolicy } from '../aws/retry.js';
import { normaliseTask } from '../ecs/task-event.js';
import { BUILDER_CONTAINER, runIdOfGroup } from '../interpret/ecs-launch.js';
import { ecsMissingEventId, tickEventId } from '../run/event-ids.js';
import { inFlightTasks, type InFlightTask } from '../run/in-flight.js';
import type { Store } from '../store/store.js';
import { storedRunOf } from '../run/stored-run.js';

export interface SweepDeps {
  readonly store: Store;
  readonly config: Pick<AwsConfig, 'clusterArn'>;
  readonly ecs: Pick<ECSClient, 'send'>;
  readonly retry: RetryPolicy;
  readonly now: () => number;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
  /**
   * Folds events that are in the log but not in the state (the stream gave up on them): an
   * append of those is a duplicate and makes no stream record. Production invokes the stepper.
   */
  readonly restep: (runId: string, events: readonly RunEvent[]) => Promise<void>;
}

export interface SweepReport {
  readonly activeRuns: number;
  readonly ticks: number;
  readonly reconciled: number;
  readonly orphansStopped: number;
  /** Runs (and the orphan pass) whose sweep failed this time; the next minute tries again. */
  readonly failed: number;
}

/** DescribeTasks takes at most 100 tasks per call (ECS API reference, read 2026-11). */
const DESCRIBE_BATCH = 100;
/** Give EventBridge this long to deliver a task's events before asking ECS. */
const GRACE_MS = 60_000;

const describe = async (d: SweepDeps, arns: readonly string[]): Promise<{ tasks: Task[]; failures: Failure[] }> => {
  const tasks: Task[] = [];
  const failures: Failure[] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
    const r = await withThrottlingRetry(d.retry, () =>
      d.ecs.send(new DescribeTasksCommand({ cluster: d.config.clusterArn, tasks: arns.slice(i, i + DESCRIBE_BATCH) })),
    );
    tasks.push(...(r.tasks ?? []));
    failures.push(...(r.failures ?? []));
  }
  return { tasks, failures };
};

/**
 * The end of a task ECS no longer knows. DescribeTasks lists a task it cannot find in
 * `failures[]` with reason `MISSING` (ECS Developer Guide, "API failure reasons"), and "stopped
 * tasks appear in the returned results for at least one hour" — not for ever (ECS API Reference,
 * "DescribeTasks"; both read 2026-12). So a task the run still thinks is running, whose STOPPED
 * event was lost and which ECS has since forgotten, has stopped and nobody saw how: it ends as
 * stopped with no exit code, which fails its attempt (or build) with this reason, and the job's
 * retries apply. Only tasks launched a minute ago or more are asked about (`GRACE_MS`), so a
 * launch ECS has not made visible yet (its API is eventually consistent) is not taken for gone.
 */
const missingTaskEvent = (t: InFlightTask & { taskArn: string }, now: number): TaskStateObserved => ({
  _tag: 'TaskStateObserved',
  at: now,
  startedBy: t.startedBy,
  taskArn: t.taskArn,
  lastStatus: 'STOPPED',
  // A build ends by its builder container's exit; a job's by its essential containers, which core knows.
  containers: t.kind === 'build' ? [{ name: BUILDER_CONTAINER, exitCode: null, reason: null }] : [],
  stopCode: null,
  stoppedReason: 'ECS no longer knows this task (DescribeTasks: MISSING); it stopped and its end was not observed',
  pullStartedAt: null,
  startedAt: null,
  stoppedAt: null,
  cpu: 0,
  memory: 0,
  arch: 'x86_64',
  ephemeralStorageGiB: 20,
});

/**
 * The running tasks ECS started with this `startedBy`. ListTasks takes `startedBy` alone: "When
 * you specify startedBy as the filter, it must be the only filter that you use" (ECS API
 * Reference "ListTasks", read 2026-12), so no `desiredStatus` — it lists running tasks. A task
 * that already stopped is not found this way; it does not need to be: the launch command itself
 * always ends in an event (its answer, or a `CommandFailed` that sends it again with the same
 * clientToken, which returns the same task), so this lookup is only the backstop for a task
 * still running. A clientToken makes at most one task per attempt, so one page is enough.
 */
const tasksStartedBy = async (d: SweepDeps, startedBy: string): Promise<string[]> => {
  const r = await withThrottlingRetry(d.retry, () => d.ecs.send(new ListTasksCommand({ cluster: d.config.clusterArn, startedBy })));
  return r.taskArns ?? [];
};

/** Reconciles one run's in-flight tasks with ECS; how many lost state changes it logged. */
const sweepRun = async (d: SweepDeps, runId: string, now: number): Promise<number> => {
  const saved = await d.store.states.load(runId);
  if (!saved) return 0;
  const { run } = storedRunOf(saved).state;
  const stale = inFlightTasks(run).filter((t) => t.launchedAt === null || now - t.launchedAt >= GRACE_MS);
  if (stale.length === 0) return 0;
  let reconciled = 0;
  const known = new Map(stale.flatMap((t) => (t.taskArn ? [[t.taskArn, t.lastStatus] as const] : [])));
  const found: string[] = [];
  for (const t of stale) if (t.taskArn === null) found.push(...(await tasksStartedBy(d, t.startedBy)));
  const unfolded: RunEvent[] = [];
  const described = await describe(d, [...new Set([...known.keys(), ...found])]);
  for (const task of described.tasks) {
    const n = normaliseTask(task, new Date(now));
    if (n._tag === 'Ignore' || (known.has(n.event.taskArn) && known.get(n.event.taskArn) === n.event.lastStatus)) continue;
    const r = await d.store.events.append({ id: n.id, runId: n.runId, event: n.event, storedAt: new Date(now).toISOString() });
    if (r === 'appended') reconciled++;
    // Logged long ago yet still not in the state: its stream record was lost.
    else if (n.event.lastStatus === 'STOPPED') unfolded.push(n.event);
  }
  const missing = new Set(described.failures.filter((f) => f.reason === 'MISSING' && f.arn !== undefined).map((f) => f.arn!));
  for (const t of stale) {
    if (t.taskArn === null || !missing.has(t.taskArn)) continue;
    const event = missingTaskEvent({ ...t, taskArn: t.taskArn }, now);
    const r = await d.store.events.append({ id: ecsMissingEventId(t.taskArn), runId, event, storedAt: new Date(now).toISOString() });
    if (r === 'appended') reconciled++;
    else unfolded.push(event);
  }
  if (unfolded.length > 0) await d.restep(runId, unfolded);
  return reconciled;
};

/** Stops hyperp tasks still running whose run has ended; how many. */
const stopOrphans = async (d: SweepDeps, active: ReadonlySet<string>): Promise<{ stopped: number; failed: number }> => {
  const running: string[] = [];
  let nextToken: string | undefined;
  do {
    const r = await withThrottlingRetry(d.retry, () =>
      d.ecs.send(new ListTasksCommand({ cluster: d.config.clusterArn, desiredStatus: 'RUNNING', ...(nextToken ? { nextToken } : {}) })),
    );
    running.push(...(r.taskArns ?? []));
    nextToken = r.nextToken;
  } while (nextToken);
  let stopped = 0;
  let failed = 0;
  const candidates = running.length === 0 ? [] : (await describe(d, running)).tasks;
  for (const task of candidates) {
    const runId = runIdOfGroup(task.group);
    if (!runId || active.has(runId) || !task.taskArn) continue;
    try {
      const saved = await d.store.states.load(runId);
      const run = saved ? storedRunOf(saved).state.run : undefined;
      // A run the table does not know yet may be starting: leave its tasks alone.
      if (!run || run.finishedAt === null) continue;
      await withThrottlingRetry(d.retry, () =>
        d.ecs.send(new StopTaskCommand({ cluster: d.config.clusterArn, task: task.taskArn!, reason: `hyperp: run ${runId} has ended (${run.status})` })),
      );
      stopped++;
    } catch (e) {
      failed++;
      d.log('sweep: an orphan could not be stopped', { runId, task: task.taskArn, error: String((e as Error).message ?? e) });
    }
  }
  return { stopped, failed };
};

export const sweepHandler = (d: SweepDeps) => async (): Promise<SweepReport> => {
  const now = d.now();
  const minute = Math.floor(now / 60_000) * 60_000;
  const active: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await d.store.listing.list({ by: 'active' }, { limit: 100, ...(cursor ? { cursor } : {}) });
    active.push(...page.runs.map((r) => r.runId));
    cursor = page.cursor;
  } while (cursor);

  let ticks = 0;
  let reconciled = 0;
  let failed = 0;
  for (const runId of active) {
    try {
      const appended = await d.store.events.append({
        id: tickEventId(minute), runId, event: { _tag: 'Tick', at: now }, storedAt: new Date(now).toISOString(),
      });
      if (appended === 'appended') ticks++;
      reconciled += await sweepRun(d, runId, now);
    } catch (e) {
      failed++;
      d.log('sweep: this run could not be swept; the others go on', { runId, error: String((e as Error).message ?? e) });
    }
  }

  // Orphans: hyperp tasks still running whose run is no longer active.
  let orphansStopped = 0;
  try {
    const o = await stopOrphans(d, new Set(active));
    orphansStopped = o.stopped;
    failed += o.failed;
  } catch (e) {
    failed++;
    d.log('sweep: the running tasks could not be listed', { error: String((e as Error).message ?? e) });
  }
  d.log('sweep', { activeRuns: active.length, ticks, reconciled, orphansStopped, failed });
  return { activeRuns: active.length, ticks, reconciled, orphansStopped, failed };
};
