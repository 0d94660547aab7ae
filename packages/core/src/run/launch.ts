/**
 * The launch queue: task attempts and image builds wait here for a launch slot (see
 * `pacing.ts`) and leave it as `RunTask` / `BuildImage` commands. Entries that no longer apply
 * (their job failed, the run was cancelled) are dropped when they reach the head.
 */
import { imageUri } from '../names/images.js';
import { attemptKey, clientToken, startedBy } from '../names/attempt.js';
import { taskOverrides } from '../render/overrides.js';
import { inputEnvironment } from '../workflow/inputs.js';
import type { Tag } from './commands.js';
import { dequeue, enqueue, queuePeek } from './queue.js';
import { currentAttempt, imageAt, inFlight, jobAt, putAttempt, putImage, taskAt } from './records.js';
import { takeLaunchSlot } from './pacing.js';
import { isTerminalJob, type AttemptRecord, type LaunchRef, type RunState } from './state.js';
import { startedByInsert } from './started-by-index.js';
import { defaultBuildTimeoutSeconds } from './settings.js';
import { addTimer } from './timers.js';
import { emit, runIdOf, type Tx } from './tx.js';

/** How long a build may run (settings stored before the field existed have the default). */
export const buildTimeoutSeconds = (s: RunState): number => s.request?.settings.buildTimeoutSeconds ?? defaultBuildTimeoutSeconds;

/** When a build launched at `startedAt` is given up. */
export const buildDeadline = (s: RunState, startedAt: number): number => startedAt + buildTimeoutSeconds(s) * 1000;

/** Tags on every task and build of a run; names enter as hashes (tag values allow few characters). */
export const runTags = (s: RunState, job: number | null): Tag[] => [
  { key: 'hyperp:run', value: s.runId ?? '' },
  { key: 'hyperp:workflow', value: s.graph?.wfHash ?? '' },
  ...(job === null ? [] : [{ key: 'hyperp:job', value: s.graph?.jobHashes[job] ?? '' }]),
];

/** A fresh attempt record, registered in the `startedBy` index. */
export const newAttempt = (tx: Tx, j: number, index: number, attempt: number, notBefore: number | null): AttemptRecord => {
  const key = attemptKey({ runId: runIdOf(tx), job: tx.s.graph!.jobNames[j]!, index, attempt });
  const sb = startedBy(key);
  tx.s = { ...tx.s, startedByIndex: startedByInsert(tx.s.startedByIndex, sb, { kind: 'task', job: j, index, attempt }) };
  return {
    attempt, attemptKey: key, startedBy: sb, taskArn: null, launchedAt: null, notBefore, runningAt: null,
    stoppedAt: null, lastStatus: null, outcome: null, reason: null, exitCodes: {}, stopCode: null, deadline: null,
    timedOut: false, stopReason: null, stopSent: false, throttled: 0, usage: null, costUsd: 0,
  };
};

export const enqueueLaunch = (tx: Tx, ref: LaunchRef): void => {
  tx.s = { ...tx.s, launchQueue: enqueue(tx.s.launchQueue, ref) };
};

/** A queued build whose jobs have all ended is not built (it is dropped, not launched). */
const buildStillNeeded = (tx: Tx, image: number): boolean => {
  const img = imageAt(tx, image);
  if (img === undefined || img.status !== 'QUEUED') return false;
  if (tx.s.graph!.images[image]!.jobs.some((j) => !isTerminalJob(jobAt(tx, j)!.status))) return true;
  putImage(tx, image, { ...img, status: 'UNUSED', finishedAt: tx.s.now, reason: 'no job needs it any more' });
  inFlight(tx, { builds: -1 });
  return false;
};

/** Whether a queue entry still names something waiting to launch. */
export const stillQueued = (tx: Tx, ref: LaunchRef): boolean => {
  if (ref.kind === 'build') return buildStillNeeded(tx, ref.image);
  const t = taskAt(tx, ref.job, ref.index);
  return t !== undefined && t.status === 'QUEUED' && currentAttempt(t).attempt === ref.attempt;
};

const launchTask = (tx: Tx, ref: Extract<LaunchRef, { kind: 'task' }>): void => {
  const job = jobAt(tx, ref.job)!;
  const spec = tx.s.request!.workflow.jobs[ref.job]!;
  const a = currentAttempt(taskAt(tx, ref.job, ref.index)!);
  // The deadline is set when the launch is accepted (`on-task-launch.ts`).
  putAttempt(tx, ref.job, ref.index, { ...a, launchedAt: tx.s.now }, 'LAUNCHING');
  inFlight(tx, { tasks: 1 });
  if (tx.s.startedAt === null) tx.s = { ...tx.s, startedAt: tx.s.now };
  emit(tx, {
    _tag: 'RunTask',
    runId: runIdOf(tx),
    job: job.name,
    index: ref.index,
    attempt: a.attempt,
    attemptKey: a.attemptKey,
    clientToken: clientToken(a.attemptKey),
    startedBy: a.startedBy,
    taskDefinitionArn: job.taskDefinitionArn ?? '',
    overrides: taskOverrides(spec.taskDefinition, ref.index, spec.concurrency, inputEnvironment(tx.s.request!.inputs ?? {})),
    tags: runTags(tx.s, ref.job),
  });
};

const launchBuild = (tx: Tx, ref: Extract<LaunchRef, { kind: 'build' }>): void => {
  const img = imageAt(tx, ref.image)!;
  const g = tx.s.graph!.images[ref.image]!;
  putImage(tx, ref.image, { ...img, status: 'BUILDING', startedAt: tx.s.now });
  addTimer(tx, { at: buildDeadline(tx.s, tx.s.now), kind: 'deadline', ref });
  emit(tx, {
    _tag: 'BuildImage',
    runId: runIdOf(tx),
    key: g.key,
    job: g.job,
    container: g.container,
    commit: tx.s.request!.commit,
    dockerfilePath: g.dockerfilePath,
    context: g.context,
    imageUri: imageUri(tx.s.request!.settings.render.imageRepository, g.key),
    cpu: g.cpu,
    memory: g.memory,
    attemptKey: img.attemptKey,
    clientToken: clientToken(img.attemptKey),
    startedBy: img.startedBy,
    tags: runTags(tx.s, tx.s.graph!.jobIndex[g.job] ?? null),
  });
};

/** Launches from the head of the queue while slots are free. */
export const pumpLaunches = (tx: Tx): void => {
  for (;;) {
    const ref = queuePeek(tx.s.launchQueue);
    if (ref === undefined) return;
    if (!stillQueued(tx, ref)) {
      tx.s = { ...tx.s, launchQueue: dequeue(tx.s.launchQueue) };
      continue;
    }
    const tat = takeLaunchSlot(tx.s);
    if (tat === undefined) return;
    tx.s = { ...tx.s, pacerTat: tat, launchQueue: dequeue(tx.s.launchQueue) };
    if (ref.kind === 'task') launchTask(tx, ref);
    else launchBuild(tx, ref);
  }
};
