/**
 * Starting a rerun of an ended run, reusing the outputs of the jobs that succeeded (core's
 * `rerunRequested`): the new run's request and metadata are appended in one transaction under an
 * id derived from the request's own id, so a request sent again (a CLI retry, a webhook
 * redelivery) starts no second run. Shared by the API (`hyperp rerun`) and the planner (GitHub's
 * "Re-run" buttons, `github/check-run-events.ts`).
 */
import { describeRerunRefusal, rerunRequested, vecToArray, type RunState } from '@hyperp/core';
import { imageTag } from '@hyperp/core/internal';
import { runIdFor } from '../planner/run-id.js';
import { appendWith } from '../store/event-log.js';
import type { Store } from '../store/store.js';
import { REQUESTED_EVENT_ID } from './event-ids.js';
import { runMetaItem } from './meta.js';
import { storedRunOf } from './stored-run.js';

export interface RerunDeps {
  readonly store: Store;
  /** The image tags among these ECR still holds; absent: what the run built or reused exists. */
  readonly imagesInRegistry?: (tags: readonly string[]) => Promise<ReadonlySet<string>>;
  readonly now: () => number;
}

export type RerunOutcome =
  | { readonly _tag: 'Started'; readonly runId: string; readonly from: string; readonly reused: readonly string[]; /** How many jobs the new run has, reused ones included. */ readonly jobs: number; readonly appended: boolean }
  | { readonly _tag: 'Refused'; readonly status: 404 | 409; readonly reason: string };

/** Which of the run's image keys have an image now: ECR's answer, else what the run built or reused. */
const imagesThatExist = async (d: RerunDeps, run: RunState): Promise<(key: string) => boolean> => {
  if (!d.imagesInRegistry) {
    const built = new Set(vecToArray(run.images).filter((i) => i.status === 'BUILT' || i.status === 'REUSED').map((i) => i.key));
    return (key) => built.has(key);
  }
  const keys = [...new Set((run.request?.plan.jobs ?? []).flatMap((j) => j.images.map((i) => i.key)))];
  const tags = await d.imagesInRegistry(keys.map(imageTag));
  return (key) => tags.has(imageTag(key));
};

export const startRerun = async (
  d: RerunDeps, runId: string, o: { readonly requestId: string; readonly failedOnly: boolean; readonly trigger?: string },
): Promise<RerunOutcome> => {
  const saved = await d.store.states.load(runId);
  if (!saved) return { _tag: 'Refused', status: 404, reason: `no run ${runId}` };
  const { meta, run } = storedRunOf(saved).state;
  if (!run.request) return { _tag: 'Refused', status: 409, reason: `run ${runId} has no request to run again` };
  if (run.finishedAt === null) return { _tag: 'Refused', status: 409, reason: `run ${runId} is still ${run.status}; cancel it or wait for it to end` };
  const newRunId = runIdFor(d.now(), `rerun:${o.requestId}`, meta.workflow);
  const rerunOf = rerunRequested(run, { runId: newRunId, at: d.now(), failedOnly: o.failedOnly, imageExists: await imagesThatExist(d, run) });
  if (!rerunOf.ok) return { _tag: 'Refused', status: 409, reason: rerunOf.issues.map(describeRerunRefusal).join('; ') };
  const event = rerunOf.value;
  const r = await appendWith(
    d.store.ctx,
    { id: REQUESTED_EVENT_ID, runId: newRunId, event, storedAt: new Date(d.now()).toISOString() },
    [runMetaItem({ ...meta, runId: newRunId, trigger: o.trigger ?? 'rerun' })],
  );
  return { _tag: 'Started', runId: newRunId, from: runId, reused: event.reuse.map((j) => j.job), jobs: event.workflow.jobs.length, appended: r === 'appended' };
};
