/**
 * What hyperp takes from a `pull_request` webhook (GitHub docs "Webhook events and payloads" →
 * pull_request, read 2026-12): a pull request opened, reopened or pushed to (`synchronize`)
 * gets its summary comment from the runs its head commit already has (a branch pushed before
 * its pull request was opened); runs that end later edit the comment themselves.
 */
import { obj } from './json-object.js';
export interface PullRequestSummaryRequest {
  readonly kind: 'pull-request-summary';
  readonly repo: string;
  readonly installationId: number;
  /** The pull request's head commit. */
  readonly commit: string;
  /** The pull request the event is about (only its comment is written). */
  readonly number: number;
  readonly deliveryId: string;
  readonly receivedAt: number;
}

export type PullRequestDecision =
  | { readonly _tag: 'Summarise'; readonly request: Omit<PullRequestSummaryRequest, 'kind' | 'deliveryId' | 'receivedAt'> }
  | { readonly _tag: 'Ignore'; readonly reason: string };


const ACTIONS = new Set(['opened', 'reopened', 'synchronize']);

export const decidePullRequest = (payload: unknown): PullRequestDecision => {
  const p = obj(payload);
  const action = p?.['action'];
  const repo = obj(p?.['repository'])?.['full_name'];
  const installationId = obj(p?.['installation'])?.['id'];
  const sha = obj(obj(p?.['pull_request'])?.['head'])?.['sha'];
  const number = p?.['number'];
  if (typeof action !== 'string' || typeof repo !== 'string' || typeof sha !== 'string' || typeof number !== 'number') {
    return { _tag: 'Ignore', reason: 'not a pull_request payload: action, number, repository.full_name or pull_request.head.sha missing' };
  }
  if (typeof installationId !== 'number') return { _tag: 'Ignore', reason: 'the event carries no installation: deliver it from the GitHub App' };
  if (!ACTIONS.has(action)) return { _tag: 'Ignore', reason: `pull_request ${action} needs nothing from hyperp` };
  return { _tag: 'Summarise', request: { repo, installationId, commit: sha, number } };
};
