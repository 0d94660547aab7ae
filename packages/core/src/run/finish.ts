/**
 * After every event: the run's status follows what is in flight, and once every job has ended
 * and nothing runs any more (tasks, builds, zips), the run ends — SUCCEEDED, FAILED or
 * CANCELLED — with its task definitions deregistered and the commit status set. It never reopens.
 */
import { runSecretFiles } from '../render/directories.js';
import type { CommitState } from './commands.js';
import { runningJobsText } from './rerun.js';
import { plural } from '../text/plural.js';
import { isTerminalRun, type RunStatus } from './state.js';
import { vecToArray } from './vector.js';
import { emit, runIdOf, type Tx } from './tx.js';

const commitState = (s: RunStatus): CommitState =>
  s === 'SUCCEEDED' ? 'success' : s === 'FAILED' ? 'failure' : s === 'CANCELLED' ? 'error' : 'pending';

/** GitHub allows 140 characters of description. */
const clip = (text: string): string => (text.length <= 140 ? text : `${text.slice(0, 139)}…`);

const describe = (tx: Tx): string => {
  const s = tx.s;
  switch (s.status) {
    case 'SUCCEEDED':
      return `${plural(s.jobCounts.SUCCEEDED, 'job')} succeeded`;
    case 'FAILED':
      return s.failure ?? 'failed';
    case 'CANCELLED':
      return `cancelled: ${s.cancel?.reason ?? ''}`;
    default:
      return runningJobsText(s.jobs.size, s.request?.reuse.length ?? 0);
  }
};

/** Sets the commit status for the run's current status (when the settings name a context). */
export const commitStatus = (tx: Tx): void => {
  const r = tx.s.request;
  if (r === null || r.settings.statusContext === null) return;
  emit(tx, {
    _tag: 'SetCommitStatus',
    runId: runIdOf(tx),
    commit: r.commit,
    context: r.settings.statusContext,
    state: commitState(tx.s.status),
    description: clip(describe(tx)),
    targetUrl: r.settings.detailsUrl,
  });
};

const allJobsEnded = (tx: Tx): boolean => {
  const c = tx.s.jobCounts;
  return c.SUCCEEDED + c.FAILED + c.SKIPPED + c.CANCELLED === tx.s.jobs.size;
};

/** Ends the run if every job has ended and nothing is in flight; else keeps its status current. */
export const settleRun = (tx: Tx): void => {
  const s = tx.s;
  if (s.runId === null || s.graph === null || isTerminalRun(s.status)) return;
  const f = s.inFlight;
  if (allJobsEnded(tx) && f.tasks === 0 && f.builds === 0 && f.downloads === 0) {
    const failed = s.failure !== null || s.jobCounts.FAILED + s.jobCounts.SKIPPED + s.jobCounts.CANCELLED > 0;
    const status: RunStatus = s.cancel !== null ? 'CANCELLED' : failed ? 'FAILED' : 'SUCCEEDED';
    tx.s = { ...s, status, finishedAt: s.now, wakeupAt: null };
    const arns = vecToArray(s.jobs).flatMap((j) => (j.taskDefinitionArn === null ? [] : [j.taskDefinitionArn, ...j.otherTaskDefinitionArns]));
    const r = s.request;
    // The secret files written as the run started go as it ends, whether or not a task ran.
    const secretFolders = r?.settings.render.secretsOnEfs === true ? runSecretFiles(r.workflow, r.commit, s.runId, r.reuse).paths : [];
    if (arns.length > 0 || secretFolders.length > 0) {
      emit(tx, { _tag: 'DeregisterTaskDefinitions', runId: s.runId, taskDefinitionArns: arns, ...(secretFolders.length > 0 ? { secretFolders } : {}) });
    }
    commitStatus(tx);
    return;
  }
  const status: RunStatus = s.startedAt !== null ? 'RUNNING' : f.builds > 0 ? 'BUILDING' : 'PENDING';
  if (status !== s.status) tx.s = { ...s, status };
};
