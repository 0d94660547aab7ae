/**
 * The GitHub webhook (Lambda Function URL, auth NONE: the signature is the authentication).
 * It answers within a second: verify, decide, and hand planning to the planner function
 * asynchronously. Deliveries it will not act on get a 2xx with the reason, so GitHub's delivery
 * log shows why nothing ran instead of a red failure.
 *
 * It does not refuse a delivery id it has seen: `X-GitHub-Delivery` names the event, and GitHub's
 * "Redeliver" sends the same id again (GitHub docs "Webhook events and payloads" → delivery
 * headers, and github/docs#32822, read 2026-12), precisely when a first planning failed. Every
 * delivery is planned; the planner's run ids are derived from the event (delivery id and push
 * time from the payload), and appending a run request is conditional on its id, so a delivery
 * of an event that was already planned starts no second run.
 */
import { verify } from '@octokit/webhooks-methods';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { decideCheckRun, type GitHubRerunRequest } from '../github/check-run-events.js';
import { decidePullRequest, type PullRequestSummaryRequest } from '../github/pull-request-events.js';
import { decidePush } from '../github/push.js';
import { bodyText, header, json, type HttpResult } from '../http/response.js';
import type { PlanRequest } from '../planner/request.js';

export interface WebhookDeps {
  readonly webhookSecret: () => Promise<string>;
  /** Starts the planner without waiting for it (Lambda InvocationType Event). */
  readonly startPlanner: (request: PlanRequest | GitHubRerunRequest | PullRequestSummaryRequest) => Promise<void>;
  /** This deployment's GitHub App id: only its own check runs are re-run. */
  readonly appId?: string;
  /** Epoch ms. */
  readonly now: () => number;
}

export const webhookHandler =
  (deps: WebhookDeps) =>
  async (event: LambdaFunctionURLEvent): Promise<HttpResult> => {
    const payload = bodyText(event);
    const signature = header(event.headers, 'x-hub-signature-256');
    if (!signature) return json(401, { error: 'missing X-Hub-Signature-256: set a webhook secret on the GitHub App' });
    const secret = await deps.webhookSecret();
    let valid = false;
    try {
      valid = await verify(secret, payload, signature);
    } catch {
      valid = false;
    }
    if (!valid) return json(401, { error: 'X-Hub-Signature-256 does not match the payload and the webhook secret' });

    const kind = header(event.headers, 'x-github-event');
    if (kind === 'ping') return json(200, { ok: true, message: 'pong' });
    if (kind !== 'push' && kind !== 'check_run' && kind !== 'pull_request') {
      return json(202, { ignored: true, reason: `hyperp acts on push, check_run and pull_request events only, not ${kind ?? 'unnamed'} events` });
    }

    const deliveryId = header(event.headers, 'x-github-delivery');
    if (!deliveryId) return json(400, { error: 'missing X-GitHub-Delivery header' });
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return json(400, { error: 'the payload is not JSON: set the App webhook content type to application/json' });
    }
    if (kind === 'check_run') {
      const asked = decideCheckRun(body, deps.appId ?? null);
      if (asked._tag === 'Ignore') return json(202, { ignored: true, reason: asked.reason });
      await deps.startPlanner({ kind: 'rerun', ...asked.rerun, deliveryId, receivedAt: deps.now() });
      return json(202, { accepted: true, rerun: asked.rerun.runId, failedOnly: asked.rerun.failedOnly, deliveryId });
    }
    if (kind === 'pull_request') {
      const pr = decidePullRequest(body);
      if (pr._tag === 'Ignore') return json(202, { ignored: true, reason: pr.reason });
      await deps.startPlanner({ kind: 'pull-request-summary', ...pr.request, deliveryId, receivedAt: deps.now() });
      return json(202, { accepted: true, summary: pr.request.commit, deliveryId });
    }
    const decision = decidePush(body);
    if (decision._tag === 'Ignore') return json(202, { ignored: true, reason: decision.reason });

    // A failed invocation throws: GitHub records the delivery as failed, and its redelivery plans.
    await deps.startPlanner({ kind: 'push', ...decision.push, deliveryId, receivedAt: deps.now() });
    const { repo, branch, commit } = decision.push;
    return json(202, { accepted: true, repo, branch, commit, deliveryId });
  };
