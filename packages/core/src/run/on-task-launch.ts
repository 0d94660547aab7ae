/**
 * RunTask's answer for a task attempt or a builder task. Accepted: the task ARN is kept (and a
 * stop asked for meanwhile is sent now), and the attempt's deadline starts. Rejected: throttling and capacity errors put the launch
 * back after a short back-off without using an attempt, a bounded number of times; any other
 * error fails the attempt.
 * A rejection older than the attempt's latest launch is a late duplicate and changes nothing.
 */
import type { FailureClass, RunEvent, TaskLaunchAccepted, TaskLaunchRejected } from './events.js';
import { mayRetry } from './retry-limits.js';
import { endAttempt } from './attempts.js';
import { buildFailed, buildStarted } from './on-image-build.js';
import { currentAttempt, imageAt, inFlight, putAttempt, putImage, taskAt } from './records.js';
import { startedByLookup } from './started-by-index.js';
import type { AttemptRecord, LaunchRef, TaskRecord } from './state.js';
import { flushAttemptStop } from './stop.js';
import { addTimer } from './timers.js';
import { diagnose, emit, runIdOf, type Tx } from './tx.js';

/** Back-off after the n-th throttled launch of the same attempt: 1 s, 2 s, 4 s, … at most 60 s. */
export const throttleDelayMs = (n: number): number => Math.min(60_000, 1000 * 2 ** Math.max(0, n - 1));

export const lookupStartedBy = (tx: Tx, e: RunEvent, sb: string): LaunchRef | undefined => {
  const ref = startedByLookup(tx.s.startedByIndex, sb);
  if (ref === undefined) diagnose(tx, 'UnknownTask', e, `no task or build of this run was started by "${sb}"`);
  return ref;
};

/** The task and attempt an event's `startedBy` named; a diagnostic when the attempt was never asked for. */
export const attemptOfEvent = (
  tx: Tx, e: RunEvent, ref: Extract<LaunchRef, { kind: 'task' }>,
): { readonly t: TaskRecord; readonly a: AttemptRecord } | undefined => {
  const t = taskAt(tx, ref.job, ref.index);
  const a = t?.attempts[ref.attempt - 1];
  if (t === undefined || a === undefined) {
    diagnose(tx, 'UnknownTask', e, `attempt ${ref.attempt} of task ${ref.index} was never asked for`);
    return undefined;
  }
  return { t, a };
};

export const onTaskLaunchAccepted = (tx: Tx, e: TaskLaunchAccepted): void => {
  const ref = lookupStartedBy(tx, e, e.startedBy);
  if (ref === undefined) return;
  if (ref.kind === 'build') {
    buildStarted(tx, ref.image, e.taskArn);
    return;
  }
  const found = attemptOfEvent(tx, e, ref);
  if (found === undefined) return;
  const { t, a } = found;
  if (a.outcome !== null || a.taskArn !== null) return;
  const current = currentAttempt(t).attempt === a.attempt;
  putAttempt(tx, ref.job, ref.index, { ...a, taskArn: e.taskArn }, current && t.status === 'LAUNCHING' ? 'STARTING' : undefined);
  startDeadline(tx, ref, e.at);
  flushAttemptStop(tx, ref.job, ref.index);
};

/**
 * The attempt's deadline, from the job's `timeoutSeconds`, counted from when its launch was
 * accepted (or, should the answer come late, from the first state seen of the task): time a
 * launch waited before it — an adapter that bounds how many tasks run at once, as `--parallel`
 * does locally — is not the task's. On Fargate the answer follows the launch within a second, so
 * a task stuck in PENDING still times out. Set once per attempt.
 */
export const startDeadline = (tx: Tx, ref: Extract<LaunchRef, { kind: 'task' }>, at: number): void => {
  const seconds = tx.s.request!.workflow.jobs[ref.job]!.timeoutSeconds;
  const a = taskAt(tx, ref.job, ref.index)?.attempts[ref.attempt - 1];
  if (seconds === undefined || a === undefined || a.deadline !== null || a.outcome !== null || a.launchedAt === null) return;
  const deadline = at + seconds * 1000;
  putAttempt(tx, ref.job, ref.index, { ...a, deadline });
  addTimer(tx, { at: deadline, kind: 'deadline', ref });
};

export const onTaskLaunchRejected = (tx: Tx, e: TaskLaunchRejected): void =>
  launchFailed(tx, e, e.startedBy, e.reason, e.retryable ? 'retryable' : 'permanent', false);

/** " (after n tries)" once a launch was tried more than once. */
const tries = (n: number): string => (n > 1 ? ` (after ${n} tries)` : '');

/**
 * A launch did not give a task: put back after a back-off while its retries last (bounded:
 * `mayRetry`), else the attempt (or build) fails with the reason. `fromError`: the launch ended
 * in an error rather than in ECS's answer, so a task may have started all the same (a timeout
 * after ECS accepted it); giving up then also stops whatever its `startedBy` started.
 */
export const launchFailed = (
  tx: Tx, e: RunEvent, sb: string, reason: string, failure: FailureClass, fromError: boolean,
): void => {
  const ref = lookupStartedBy(tx, e, sb);
  if (ref === undefined) return;
  const maybeStarted = fromError && failure !== 'permanent';
  if (ref.kind === 'build') {
    const img = imageAt(tx, ref.image);
    if (img === undefined || img.status !== 'BUILDING' || img.reportedStarted || img.startedAt === null || e.at < img.startedAt) return;
    const throttled = (img.throttled ?? 0) + 1;
    if (failure !== 'permanent' && img.stopReason === null && mayRetry(failure, throttled)) {
      putImage(tx, ref.image, { ...img, status: 'QUEUED', startedAt: null, throttled });
      addTimer(tx, { at: tx.s.now + throttleDelayMs(throttled), kind: 'relaunch', ref });
      return;
    }
    if (maybeStarted) emit(tx, { _tag: 'StopTask', runId: runIdOf(tx), attemptKey: img.attemptKey, startedBy: img.startedBy, taskArn: null, reason: 'hyperp: the launch was given up' });
    buildFailed(tx, ref.image, `the builder task could not be launched${tries(throttled)}: ${reason}`, null);
    return;
  }
  const found = attemptOfEvent(tx, e, ref);
  if (found === undefined) return;
  const { t, a } = found;
  if (t.status !== 'LAUNCHING' || currentAttempt(t).attempt !== a.attempt || a.launchedAt === null || e.at < a.launchedAt) return;
  const stopLaunch = () => {
    if (maybeStarted) emit(tx, { _tag: 'StopTask', runId: runIdOf(tx), attemptKey: a.attemptKey, startedBy: a.startedBy, taskArn: null, reason: a.stopReason ?? 'hyperp: the launch was given up' });
  };
  if (a.stopReason !== null) {
    stopLaunch();
    endAttempt(tx, ref.job, ref.index, a.attempt, { outcome: a.timedOut ? 'FAILED' : 'CANCELLED', reason: a.stopReason, update: {} });
    return;
  }
  const throttled = a.throttled + 1;
  if (failure !== 'permanent' && mayRetry(failure, throttled)) {
    putAttempt(tx, ref.job, ref.index, { ...a, throttled, launchedAt: null, deadline: null }, 'QUEUED');
    inFlight(tx, { tasks: -1 });
    addTimer(tx, { at: tx.s.now + throttleDelayMs(throttled), kind: 'relaunch', ref });
    return;
  }
  stopLaunch();
  endAttempt(tx, ref.job, ref.index, a.attempt, { outcome: 'FAILED', reason: `the task could not be launched${tries(throttled)}: ${reason}`, update: {} });
};
