/**
 * The sweep (an EventBridge schedule, every minute). For every active run it appends a `Tick`
 * (one per minute: its id is the minute) so deadlines, back-offs and launch pacing move without
 * a live caller, and asks ECS about the run's in-flight tasks (DescribeTasks, 100 at a time): a
 * state change whose event was lost is appended under the id EventBridge's copy would have had,
 * so whichever arrives second is a no-op. An attempt launched without a task ARN in the state (its
 * RunTask answer was lost) is found by its `startedBy` (ListTasks, running and stopped), so a
 * lost answer cannot hold the run. Then it stops hyperp tasks still running for runs
 * that have ended (orphans of a lost StopTask).
 */
import { DescribeTasksCommand, ListTasksCommand, StopTaskCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import type { RunEvent, RunState } from '@hyperp/core';
import type { AwsConfig } from '../config.js';
import { withThrottlingRetry, type RetryPolicy } from '../aws/retry.js';
import { normaliseTask } from '../ecs/task-event.js';
import { runIdOfGroup } from '../interpret/ecs-launch.js';
import { tickEventId } from '../run/event-ids.js';
import { inFlightTasks } from '../run/in-flight.js';
import type { StoredRun } from '../run/stepper.js';
import type { Store } from '../store/store.js';

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
}

/** DescribeTasks takes at most 100 tasks per call (ECS API reference, read 2026-11). */
const DESCRIBE_BATCH = 100;
/** Give EventBridge this long to deliver a task's events before asking ECS. */
const GRACE_MS = 60_000;

const describe = async (d: SweepDeps, arns: readonly string[]): Promise<Task[]> => {
  const tasks: Task[] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_BATCH) {
    const r = await withThrottlingRetry(d.retry, () =>
      d.ecs.send(new DescribeTasksCommand({ cluster: d.config.clusterArn, tasks: arns.slice(i, i + DESCRIBE_BATCH) })),
    );
    tasks.push(...(r.tasks ?? []));
  }
  return tasks;
};

/**
 * The tasks ECS started with this `startedBy`: ListTasks shows running tasks by default and
 * stopped ones (for about an hour after they stop) when asked (ECS API reference "ListTasks",
 * read 2026-11). A clientToken makes at most one task per attempt, so one page is enough.
 */
const tasksStartedBy = async (d: SweepDeps, startedBy: string): Promise<string[]> => {
  const arns: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    const r = await withThrottlingRetry(d.retry, () =>
      d.ecs.send(new ListTasksCommand({ cluster: d.config.clusterArn, startedBy, desiredStatus })),
    );
    arns.push(...(r.taskArns ?? []));
  }
  return arns;
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
  for (const runId of active) {
    const appended = await d.store.events.append({
      id: tickEventId(minute), runId, event: { _tag: 'Tick', at: now }, storedAt: new Date(now).toISOString(),
    });
    if (appended === 'appended') ticks++;
    const saved = await d.store.states.load(runId);
    if (!saved) continue;
    const run = (saved.state as StoredRun).run as RunState;
    const stale = inFlightTasks(run).filter((t) => t.launchedAt === null || now - t.launchedAt >= GRACE_MS);
    if (stale.length === 0) continue;
    const known = new Map(stale.flatMap((t) => (t.taskArn ? [[t.taskArn, t.lastStatus] as const] : [])));
    const found: string[] = [];
    for (const t of stale) if (t.taskArn === null) found.push(...(await tasksStartedBy(d, t.startedBy)));
    const unfolded: RunEvent[] = [];
    for (const task of await describe(d, [...new Set([...known.keys(), ...found])])) {
      const n = normaliseTask(task, new Date(now));
      if (n._tag === 'Ignore' || (known.has(n.event.taskArn) && known.get(n.event.taskArn) === n.event.lastStatus)) continue;
      const r = await d.store.events.append({ id: n.id, runId: n.runId, event: n.event, storedAt: new Date(now).toISOString() });
      if (r === 'appended') reconciled++;
      // Logged long ago yet still not in the state: its stream record was lost.
      else if (n.event.lastStatus === 'STOPPED') unfolded.push(n.event);
    }
    if (unfolded.length > 0) await d.restep(runId, unfolded);
  }

  // Orphans: hyperp tasks still running whose run is no longer active.
  const activeSet = new Set(active);
  const running: string[] = [];
  let nextToken: string | undefined;
  do {
    const r = await withThrottlingRetry(d.retry, () =>
      d.ecs.send(new ListTasksCommand({ cluster: d.config.clusterArn, desiredStatus: 'RUNNING', ...(nextToken ? { nextToken } : {}) })),
    );
    running.push(...(r.taskArns ?? []));
    nextToken = r.nextToken;
  } while (nextToken);
  let orphansStopped = 0;
  const candidates = running.length === 0 ? [] : await describe(d, running);
  for (const task of candidates) {
    const runId = runIdOfGroup(task.group);
    if (!runId || activeSet.has(runId) || !task.taskArn) continue;
    const saved = await d.store.states.load(runId);
    const run = saved ? ((saved.state as StoredRun).run as RunState) : undefined;
    // A run the table does not know yet may be starting: leave its tasks alone.
    if (!run || run.finishedAt === null) continue;
    await withThrottlingRetry(d.retry, () =>
      d.ecs.send(new StopTaskCommand({ cluster: d.config.clusterArn, task: task.taskArn!, reason: `hyperp: run ${runId} has ended (${run.status})` })),
    );
    orphansStopped++;
  }
  d.log('sweep', { activeRuns: active.length, ticks, reconciled, orphansStopped });
  return { activeRuns: active.length, ticks, reconciled, orphansStopped };
};
