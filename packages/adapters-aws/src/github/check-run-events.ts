/**
 * What hyperp takes from a `check_run` webhook (GitHub docs "Webhook events and payloads" →
 * check_run, read 2026-12): the check's "Re-run" (`rerequested`) and its "Re-run failed jobs"
 * button (`requested_action`, identifier `rerun-failed`) start a rerun of the run the check
 * reports (its `external_id`), reusing the outputs of the jobs that succeeded, as `hyperp rerun
 * --failed` does. A re-run of a check that succeeded runs every job again.
 *
 * Authorisation is GitHub's: it shows these buttons only to people with write access to the
 * repository and sends the event only to the App that made the check run; the signature proves
 * the event is GitHub's, and the rerun is refused unless the run belongs to the repository and
 * installation the event names (`planner/rerun-from-github.ts`).
 */
import { RERUN_FAILED_ACTION } from './check-actions.js';
import { obj } from './json-object.js';

/** What the planner function is asked to do for a re-run button (an async invocation's payload). */
export interface GitHubRerunRequest {
  readonly kind: 'rerun';
  readonly runId: string;
  readonly repo: string;
  readonly installationId: number;
  readonly failedOnly: boolean;
  /** `X-GitHub-Delivery`: a redelivery of the same event starts no second run. */
  readonly deliveryId: string;
  readonly requestedBy: string | null;
  readonly receivedAt: number;
}

export type CheckRunDecision =
  | { readonly _tag: 'Rerun'; readonly rerun: Omit<GitHubRerunRequest, 'kind' | 'deliveryId' | 'receivedAt'> }
  | { readonly _tag: 'Ignore'; readonly reason: string };


/** `appId`: this deployment's GitHub App; a check run another App made is not hyperp's to re-run. */
export const decideCheckRun = (payload: unknown, appId: string | null): CheckRunDecision => {
  const p = obj(payload);
  const action = p?.['action'];
  const check = obj(p?.['check_run']);
  const repo = obj(p?.['repository'])?.['full_name'];
  const installationId = obj(p?.['installation'])?.['id'];
  if (!check || typeof action !== 'string' || typeof repo !== 'string') return { _tag: 'Ignore', reason: 'not a check_run payload: action, check_run or repository.full_name missing' };
  if (typeof installationId !== 'number') return { _tag: 'Ignore', reason: 'the event carries no installation: deliver it from the GitHub App' };
  const owner = obj(check['app'])?.['id'];
  if (appId !== null && owner !== undefined && String(owner) !== appId) return { _tag: 'Ignore', reason: `check run of another GitHub App (${String(owner)})` };
  const externalId = check['external_id'];
  if (typeof externalId !== 'string' || externalId === '' || externalId.startsWith('validate:')) {
    return { _tag: 'Ignore', reason: 'the check run reports no hyperp run: push a fix to run again' };
  }
  const sender = obj(p?.['sender'])?.['login'];
  const base = { runId: externalId, repo, installationId, requestedBy: typeof sender === 'string' ? sender : null };
  if (action === 'rerequested') return { _tag: 'Rerun', rerun: { ...base, failedOnly: check['conclusion'] !== 'success' } };
  if (action === 'requested_action') {
    const id = obj(p?.['requested_action'])?.['identifier'];
    if (id === RERUN_FAILED_ACTION.identifier) return { _tag: 'Rerun', rerun: { ...base, failedOnly: true } };
    return { _tag: 'Ignore', reason: `unknown requested action ${JSON.stringify(id)}` };
  }
  return { _tag: 'Ignore', reason: `check_run ${action} needs nothing from hyperp` };
};
