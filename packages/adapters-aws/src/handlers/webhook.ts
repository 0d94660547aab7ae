/**
 * The GitHub webhook (Lambda Function URL, auth NONE: the signature is the authentication).
 * It answers within a second: verify, deduplicate, decide, and hand planning to the planner
 * function asynchronously. Deliveries it will not act on get a 2xx with the reason, so GitHub's
 * delivery log shows why nothing ran instead of a red failure.
 */
import { verify } from '@octokit/webhooks-methods';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { decidePush } from '../github/push.js';
import { bodyText, header, json, type HttpResult } from '../http/response.js';
import type { PlanRequest } from '../planner/request.js';
import type { Deliveries } from '../store/deliveries.js';

export interface WebhookDeps {
  readonly webhookSecret: () => Promise<string>;
  readonly deliveries: Deliveries;
  /** Starts the planner without waiting for it (Lambda InvocationType Event). */
  readonly startPlanner: (request: PlanRequest) => Promise<void>;
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
    if (kind !== 'push') return json(202, { ignored: true, reason: `hyperp acts on push events only, not ${kind ?? 'unnamed'} events` });

    const deliveryId = header(event.headers, 'x-github-delivery');
    if (!deliveryId) return json(400, { error: 'missing X-GitHub-Delivery header' });
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return json(400, { error: 'the payload is not JSON: set the App webhook content type to application/json' });
    }
    const decision = decidePush(body);
    if (decision._tag === 'Ignore') return json(202, { ignored: true, reason: decision.reason });

    const now = deps.now();
    if ((await deps.deliveries.claim(deliveryId, Math.floor(now / 1000))) === 'duplicate') {
      return json(200, { ignored: true, reason: `delivery ${deliveryId} was already received` });
    }
    try {
      await deps.startPlanner({ kind: 'push', ...decision.push, deliveryId, receivedAt: now });
    } catch (e) {
      // Let a redelivery of this id plan the push: the claim is withdrawn.
      await deps.deliveries.release(deliveryId);
      throw e;
    }
    const { repo, branch, commit } = decision.push;
    return json(202, { accepted: true, repo, branch, commit, deliveryId });
  };
