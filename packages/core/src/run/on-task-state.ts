/**
 * A task's state as ECS reports it. Progress (PENDING, RUNNING, …) only moves forward, so a
 * late RUNNING after STOPPED changes nothing; STOPPED ends the attempt once. An attempt
 * succeeds when every essential container exited 0 on its own; one hyperp stopped for its
 * deadline failed, unless the run was cancelled before it stopped; one stopped because its job
 * failed or the run was cancelled is CANCELLED.
 */
import type { TaskStateObserved } from './events.js';
import { endAttempt } from './attempts.js';
import { buildFailed, buildStarted, buildSucceeded } from './on-image-build.js';
import { attemptOfEvent, lookupStartedBy, startDeadline } from './on-task-launch.js';
import { currentAttempt, imageAt, putAttempt } from './records.js';
import type { AttemptRecord, TaskStatus } from './state.js';
import { flushAttemptStop } from './stop.js';
import type { Tx } from './tx.js';

const progress: Readonly<Record<string, number>> = {
  PROVISIONING: 1, PENDING: 2, ACTIVATING: 3, RUNNING: 4, DEACTIVATING: 5, STOPPING: 6, DEPROVISIONING: 7, STOPPED: 8,
};
const rank = (status: string | null): number => (status === null ? 0 : progress[status] ?? 0);

/** Why a stopped task did not succeed, for a person; null when every essential container exited 0. */
export const stopFailure = (e: TaskStateObserved, essential: readonly string[]): string | null => {
  if (e.stopCode === 'TaskFailedToStart') return `the task failed to start: ${e.stoppedReason ?? 'no reason given'}`;
  for (const name of essential) {
    const c = e.containers.find((x) => x.name === name);
    if (c === undefined || c.exitCode === null) {
      return `container "${name}" did not exit normally (${[e.stopCode, c?.reason ?? e.stoppedReason].filter((x) => x !== null).join(': ') || 'no reason given'})`;
    }
    // ECS gives a reason with some exits (137 with OutOfMemoryError…): it says more than the code.
    if (c.exitCode !== 0) return `container "${name}" exited with code ${c.exitCode}${c.reason ? ` (${c.reason})` : ''}`;
  }
  // Every essential container exited 0, but hyperp (or someone) stopped the task: not a success.
  if (e.stopCode === 'UserInitiated') return `the task was stopped: ${e.stoppedReason ?? 'no reason given'}`;
  return null;
};

/**
 * What the task is billed on. It started when ECS said so in this event or an earlier one
 * (`runningAt`): a STOPPED state may come without the start an earlier RUNNING state gave. A
 * task that failed to start did not start, whatever an engine reported before it knew. A size
 * the event leaves out is the size hyperp launched it with, never a guess.
 */
const usageOf = (e: TaskStateObserved, launched: Size, runningAt: number | null = null) => {
  const from = e.pullStartedAt ?? e.startedAt;
  return from === null ? null : {
    cpu: e.cpu ?? launched.cpu, memory: e.memory ?? launched.memory, arch: e.arch, ephemeralStorageGiB: e.ephemeralStorageGiB,
    pullStartedAt: from, startedAt: e.stopCode === 'TaskFailedToStart' ? null : e.startedAt ?? runningAt, stoppedAt: e.stoppedAt ?? e.at,
  };
};

interface Size { readonly cpu: number; readonly memory: number }

/** The size a job's tasks are launched with: its task definition's (whole-number strings once validated). */
const jobSize = (tx: Tx, j: number): Size => {
  const td = tx.s.request!.workflow.jobs[j]!.taskDefinition;
  return { cpu: Number(td.cpu), memory: Number(td.memory) };
};

const onBuildTaskState = (tx: Tx, image: number, e: TaskStateObserved): void => {
  if (e.lastStatus !== 'STOPPED') {
    buildStarted(tx, image, e.taskArn);
    return;
  }
  const essential = e.containers.map((c) => c.name);
  const failure = stopFailure(e, essential);
  const size = tx.s.graph!.images[image]!;
  if (failure === null) buildSucceeded(tx, image, imageAt(tx, image)!.imageUri, usageOf(e, size));
  else buildFailed(tx, image, failure, usageOf(e, size));
};

export const onTaskStateObserved = (tx: Tx, e: TaskStateObserved): void => {
  const ref = lookupStartedBy(tx, e, e.startedBy);
  if (ref === undefined) return;
  if (ref.kind === 'build') {
    onBuildTaskState(tx, ref.image, e);
    return;
  }
  const found = attemptOfEvent(tx, e, ref);
  if (found === undefined) return;
  const { t, a } = found;
  if (a.outcome !== null || rank(e.lastStatus) <= rank(a.lastStatus)) return;
  const current = currentAttempt(t).attempt === a.attempt;
  const seen: AttemptRecord = {
    ...a,
    taskArn: a.taskArn ?? e.taskArn,
    lastStatus: e.lastStatus,
    runningAt: a.runningAt ?? (rank(e.lastStatus) >= rank('RUNNING') ? e.startedAt ?? e.at : null),
  };
  if (e.lastStatus !== 'STOPPED') {
    const status: TaskStatus | undefined = !current ? undefined
      : rank(e.lastStatus) >= rank('RUNNING') ? 'RUNNING'
      : t.status === 'LAUNCHING' ? 'STARTING' : undefined;
    putAttempt(tx, ref.job, ref.index, seen, status);
    startDeadline(tx, ref, e.at);
    flushAttemptStop(tx, ref.job, ref.index);
    return;
  }
  const essential = tx.s.graph!.essential[ref.job]!;
  const failure = stopFailure(e, essential);
  const exitCodes: Record<string, number | null> = Object.fromEntries(e.containers.map((c) => [c.name, c.exitCode]));
  putAttempt(tx, ref.job, ref.index, seen);
  const update = { stoppedAt: e.stoppedAt ?? e.at, exitCodes, stopCode: e.stopCode, usage: usageOf(e, jobSize(tx, ref.job), a.runningAt) };
  // A cancel that came before the task stopped decides, whichever of cancel and deadline asked
  // for the stop first: the person stopped the run, the task did not fail.
  const cancel = tx.s.cancel;
  if (failure === null) endAttempt(tx, ref.job, ref.index, a.attempt, { outcome: 'SUCCEEDED', reason: null, update });
  else if (cancel !== null && a.stopReason !== null) endAttempt(tx, ref.job, ref.index, a.attempt, { outcome: 'CANCELLED', reason: `cancelled: ${cancel.reason}`, update });
  else if (a.timedOut) endAttempt(tx, ref.job, ref.index, a.attempt, { outcome: 'FAILED', reason: a.stopReason, update });
  else if (a.stopReason !== null) endAttempt(tx, ref.job, ref.index, a.attempt, { outcome: 'CANCELLED', reason: a.stopReason, update });
  else endAttempt(tx, ref.job, ref.index, a.attempt, { outcome: 'FAILED', reason: failure, update });
};
