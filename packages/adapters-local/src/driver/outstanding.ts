/**
 * After a crash, which commands of the folded log still need carrying out. Every command the
 * fold produced is a candidate; those whose outcome the state already records are dropped, so a
 * resumed run redoes nothing that finished: a task attempt with an outcome is never started
 * again, a built image is not rebuilt, a made zip is not remade.
 *
 * One launch is answered rather than redone: an attempt whose stop was asked for (cancel, its
 * job failed) while its launch was still unanswered. The reducer holds that stop
 * until the launch is accepted, so dropping the RunTask would leave the run waiting forever,
 * and redoing it would start the user's program only to stop it (with docker, up to the
 * container's `stopTimeout`). The crashed process's tasks died with it, so the attempt is not
 * running anywhere: its outstanding work is the stop, which the interpreter reports as STOPPED
 * for an attempt it never started. Builds alike: one with a stop asked for is reported failed,
 * not built again. The driver asks `pendingStopOf` too when a launch gets its `--parallel` slot.
 */
import * as E from 'fp-ts/lib/Either.js';
import {
  vecGet,
  type AttemptRecord,
  type BuildImage,
  type Command,
  type RunState,
  type RunTask,
  type StopTask,
} from '@hyperp/core';
import { parseAttemptKey } from '@hyperp/core/internal';

/** `index[name]` when the name is really there (a job may be called `constructor`). */
const own = (index: Readonly<Record<string, number>> | undefined, name: string): number | undefined =>
  index !== undefined && Object.hasOwn(index, name) ? index[name] : undefined;

const jobOf = (s: RunState, job: string) => {
  const j = own(s.graph?.jobIndex, job);
  return j === undefined ? undefined : vecGet(s.jobs, j);
};

const attemptOf = (s: RunState, job: string, index: number, attemptKey: string): AttemptRecord | undefined => {
  const tasks = jobOf(s, job)?.tasks;
  return tasks === undefined ? undefined : vecGet(tasks, index - 1)?.attempts.find((a) => a.attemptKey === attemptKey);
};

const imageOf = (s: RunState, key: string) => {
  const i = own(s.graph?.imageIndex, key);
  return i === undefined ? undefined : vecGet(s.images, i);
};

/** The image whose build an attempt key names (`{runId}/build:{key}/{attempt}`). */
const buildOf = (s: RunState, attemptKey: string) => {
  const m = /\/build:([^/]+)\//.exec(attemptKey);
  const img = m ? imageOf(s, decodeURIComponent(m[1]!)) : undefined;
  return img?.attemptKey === attemptKey ? img : undefined;
};

export const isOutstanding = (s: RunState, c: Command): boolean => {
  switch (c._tag) {
    case 'EnsureDirectories':
      return s.directories === 'PENDING';
    case 'RegisterTaskDefinition':
      return jobOf(s, c.job)?.registration === 'REGISTERING';
    case 'BuildImage': {
      const st = imageOf(s, c.key)?.status;
      return st === 'BUILDING' || st === 'QUEUED';
    }
    case 'RunTask': {
      const a = attemptOf(s, c.job, c.index, c.attemptKey);
      return a !== undefined && a.outcome === null && a.stopReason === null;
    }
    case 'StopTask': {
      const build = buildOf(s, c.attemptKey);
      if (build !== undefined) return build.status === 'BUILDING';
      const key = parseAttemptKey(c.attemptKey);
      const a = E.isRight(key) ? attemptOf(s, key.right.job, key.right.index, c.attemptKey) : undefined;
      return a !== undefined && a.outcome === null;
    }
    case 'CreateDownloadable':
      return jobOf(s, c.job)?.downloadable?.status === 'PENDING';
    case 'ScheduleWakeup':
      return s.wakeupAt !== null && c.at === s.wakeupAt;
    case 'RecordImage':
      return true;
    case 'DeregisterTaskDefinitions':
    case 'SetCommitStatus':
      return false;
  }
};

/**
 * The stop a launch or build still owes instead of being carried out, or undefined when there is
 * none: a task launch that was never answered, or any build (a build stopped before it began, or
 * whose stop was sent, is not under way in this process).
 */
export const pendingStopOf = (s: RunState, c: RunTask | BuildImage): StopTask | undefined => {
  if (c._tag === 'BuildImage') {
    const img = imageOf(s, c.key);
    if (img === undefined || img.status !== 'BUILDING' || img.stopReason === null) return undefined;
    return { _tag: 'StopTask', runId: c.runId, attemptKey: img.attemptKey, startedBy: img.startedBy, taskArn: img.taskArn, reason: img.stopReason };
  }
  const a = attemptOf(s, c.job, c.index, c.attemptKey);
  if (a === undefined || a.outcome !== null || a.stopReason === null || a.taskArn !== null) return undefined;
  return { _tag: 'StopTask', runId: c.runId, attemptKey: c.attemptKey, startedBy: c.startedBy, taskArn: null, reason: a.stopReason };
};

/** The outstanding commands of a whole fold, each once, in the order they were asked for. */
export const outstandingCommands = (s: RunState, all: readonly Command[]): Command[] => {
  const seen = new Set<string>();
  const out: Command[] = [];
  for (const asked of all) {
    const c = ((asked._tag === 'RunTask' || asked._tag === 'BuildImage') && pendingStopOf(s, asked)) || asked;
    const id = JSON.stringify(c);
    if (seen.has(id) || !isOutstanding(s, c)) continue;
    seen.add(id);
    out.push(c);
  }
  return out;
};
