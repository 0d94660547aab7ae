/**
 * What hyperp takes from a GitHub push payload, or why it takes nothing: branch deletions and
 * tag pushes start no run (the original hyperp ran only on branch pushes).
 * Payload fields: GitHub docs "Webhook events and payloads" → push, read 2026-11.
 */
import { obj } from './json-object.js';

export interface PushFacts {
  /** `owner/name`. */
  readonly repo: string;
  readonly branch: string;
  /** The pushed head commit (`after`). */
  readonly commit: string;
  readonly installationId: number;
  readonly sender: string | null;
  /**
   * When GitHub says the push happened (epoch ms): `repository.pushed_at` (epoch seconds in push
   * payloads), else the head commit's timestamp; null when neither is there. A redelivery carries
   * the same payload, so run ids derived from it name the same runs.
   */
  readonly pushedAt: number | null;
}

export type PushDecision =
  | { readonly _tag: 'Run'; readonly push: PushFacts }
  | { readonly _tag: 'Ignore'; readonly reason: string };

const ZERO_SHA = /^0{40}$/;


export const decidePush = (payload: unknown): PushDecision => {
  const p = obj(payload);
  const ref = p?.['ref'];
  const after = p?.['after'];
  const repo = obj(p?.['repository'])?.['full_name'];
  const installationId = obj(p?.['installation'])?.['id'];
  if (typeof ref !== 'string' || typeof after !== 'string' || typeof repo !== 'string') {
    return { _tag: 'Ignore', reason: 'not a push payload: ref, after or repository.full_name missing' };
  }
  if (typeof installationId !== 'number') {
    return { _tag: 'Ignore', reason: 'the push carries no installation: deliver it from the GitHub App, not a repository webhook' };
  }
  if (ref.startsWith('refs/tags/')) return { _tag: 'Ignore', reason: `tag push ${ref.slice(10)} starts no run` };
  if (!ref.startsWith('refs/heads/')) return { _tag: 'Ignore', reason: `ref ${ref} is not a branch` };
  if (p?.['deleted'] === true || ZERO_SHA.test(after)) {
    return { _tag: 'Ignore', reason: `branch ${ref.slice(11)} was deleted` };
  }
  const login = obj(p?.['sender'])?.['login'];
  const pushedAt = obj(p?.['repository'])?.['pushed_at'];
  const headTime = obj(p?.['head_commit'])?.['timestamp'];
  const headMs = typeof headTime === 'string' ? Date.parse(headTime) : NaN;
  return {
    _tag: 'Run',
    push: {
      repo,
      branch: ref.slice(11),
      commit: after,
      installationId,
      sender: typeof login === 'string' ? login : null,
      pushedAt: typeof pushedAt === 'number' && Number.isFinite(pushedAt) ? pushedAt * 1000 : Number.isFinite(headMs) ? headMs : null,
    },
  };
};
