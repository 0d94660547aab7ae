/**
 * Failed commands: every command an adapter carries out ends in its result events or in a
 * `CommandFailed`, and this is where the second kind goes. A retryable failure sends the same
 * command again after a back-off (through the run's wake-up, so no adapter sleeps); the retries
 * are bounded per command; a permanent failure, or one whose retries are used up, fails what the
 * command was for, with the outside world's message as the reason. So a run never waits for an
 * answer that cannot come: it reaches an end whatever the adapter's world says.
 *
 * Launches (`RunTask`, `BuildImage`) go through the launch path (`on-task-launch.ts`), which keeps
 * its count on the attempt or build; everything else keeps a `CommandRetry` in the state.
 */
import type { Command } from './commands.js';
import type { CommandFailed } from './events.js';
import { commandRetryDelayMs, mayRetry } from './retry-limits.js';
import { directoriesFailed } from './on-directories.js';
import { downloadableFailed } from './on-downloadable.js';
import { buildFailed } from './on-image-build.js';
import { launchFailed } from './on-task-launch.js';
import { taskDefinitionRejected } from './on-task-definition.js';
import { endAttempt } from './attempts.js';
import { imageAt, taskAt } from './records.js';
import { startedByLookup } from './started-by-index.js';
import { jobNamed } from './lookup.js';
import type { CommandRetry, RunState } from './state.js';
import { diagnose, emit, type Tx } from './tx.js';

/** Which command this is, across its repeats: the same key for a command sent again. */
export const commandKey = (c: Command): string => {
  switch (c._tag) {
    case 'EnsureDirectories': return 'directories';
    case 'RegisterTaskDefinition': return `register:${c.job}`;
    case 'RunTask':
    case 'BuildImage': return `launch:${c.startedBy}`;
    case 'StopTask': return `stop:${c.startedBy}`;
    case 'CreateDownloadable': return `zip:${c.job}`;
    case 'RecordImage': return `image:${c.key}`;
    case 'DeregisterTaskDefinitions': return `deregister:${c.taskDefinitionArns.join(',')}`;
    case 'SetCommitStatus': return `status:${c.state}`;
    case 'ScheduleWakeup': return `wakeup:${c.at}`;
  }
};

export const commandRetriesOf = (s: RunState): readonly CommandRetry[] => s.commandRetries ?? [];

const putRetry = (tx: Tx, next: CommandRetry): void => {
  const all = commandRetriesOf(tx.s);
  const i = all.findIndex((r) => r.key === next.key);
  tx.s = { ...tx.s, commandRetries: i < 0 ? [...all, next] : all.map((r, k) => (k === i ? next : r)) };
};

/** Whether the command still matters: what it was for has not been settled another way. */
const stillWanted = (tx: Tx, c: Command): boolean => {
  switch (c._tag) {
    case 'EnsureDirectories':
      return tx.s.directories === 'PENDING';
    case 'RegisterTaskDefinition':
      return jobNamed(tx.s, c.job)?.job.registration === 'REGISTERING';
    case 'CreateDownloadable':
      return jobNamed(tx.s, c.job)?.job.downloadable?.status === 'PENDING';
    case 'StopTask': {
      const ref = startedByLookup(tx.s.startedByIndex, c.startedBy);
      if (ref === undefined) return false;
      if (ref.kind === 'build') return imageAt(tx, ref.image)?.status === 'BUILDING';
      const t = taskAt(tx, ref.job, ref.index);
      return t !== undefined && t.attempts[ref.attempt - 1]?.outcome === null;
    }
    default:
      return false;
  }
};

/** The command will not be sent again: what it was for fails (or, for a stop, ends without it). */
const giveUp = (tx: Tx, c: Command, reason: string): void => {
  switch (c._tag) {
    case 'EnsureDirectories':
      directoriesFailed(tx, reason);
      return;
    case 'RegisterTaskDefinition': {
      const found = jobNamed(tx.s, c.job);
      if (found !== undefined) taskDefinitionRejected(tx, found.j, reason);
      return;
    }
    case 'CreateDownloadable': {
      const found = jobNamed(tx.s, c.job);
      if (found !== undefined) downloadableFailed(tx, found.j, reason);
      return;
    }
    case 'StopTask': {
      // The task may still run; the run does not wait for a STOPPED that may never come (the
      // sweep stops hyperp tasks of ended runs). The attempt ends as the stop meant it to.
      const ref = startedByLookup(tx.s.startedByIndex, c.startedBy);
      if (ref === undefined) return;
      const why = `${c.reason} (the task could not be stopped: ${reason})`;
      if (ref.kind === 'build') {
        buildFailed(tx, ref.image, why, null);
        return;
      }
      const t = taskAt(tx, ref.job, ref.index);
      const a = t?.attempts[ref.attempt - 1];
      if (a === undefined || a.outcome !== null) return;
      endAttempt(tx, ref.job, ref.index, a.attempt, { outcome: a.timedOut ? 'FAILED' : 'CANCELLED', reason: why, update: {} });
      return;
    }
    default:
      return;
  }
};

export const onCommandFailed = (tx: Tx, e: CommandFailed): void => {
  const c = e.command;
  if (c._tag === 'RunTask' || c._tag === 'BuildImage') {
    launchFailed(tx, e, c.startedBy, e.reason, e.failure, true);
    return;
  }
  if (!stillWanted(tx, c)) {
    // A courtesy (commit status, wake-up, cleanup) or something settled meanwhile: recorded only.
    diagnose(tx, 'CommandFailed', e, `${c._tag} failed (${e.failure}): ${e.reason}`);
    return;
  }
  const key = commandKey(c);
  const prev = commandRetriesOf(tx.s).find((r) => r.key === key);
  // Waiting to be sent again, given up, or a repeat of a failure from before the last send.
  if (prev !== undefined && (prev.retryAt !== null || prev.gaveUp || (prev.sentAt !== null && e.at < prev.sentAt))) return;
  const failures = (prev?.failures ?? 0) + 1;
  const retry = mayRetry(e.failure, failures);
  putRetry(tx, {
    key, command: c, failures, failure: e.failure, reason: e.reason,
    retryAt: retry ? tx.s.now + commandRetryDelayMs(failures) : null, sentAt: prev?.sentAt ?? null, gaveUp: !retry,
  });
  if (retry) return;
  const tries = failures === 1 ? '' : ` (failed ${failures} times)`;
  giveUp(tx, c, `${c._tag} failed${tries}: ${e.reason}`);
};

/** Sends again the commands whose back-off has passed (and still matter). */
export const fireDueRetries = (tx: Tx): void => {
  for (const r of commandRetriesOf(tx.s)) {
    if (r.retryAt === null || r.retryAt > tx.s.now) continue;
    putRetry(tx, { ...r, retryAt: null, sentAt: tx.s.now });
    if (stillWanted(tx, r.command)) emit(tx, r.command);
  }
};

/** The earliest time a command is to be sent again, if any. */
export const nextRetryAt = (s: RunState): number | undefined => {
  let at: number | undefined;
  for (const r of commandRetriesOf(s)) if (r.retryAt !== null && (at === undefined || r.retryAt < at)) at = r.retryAt;
  return at;
};
