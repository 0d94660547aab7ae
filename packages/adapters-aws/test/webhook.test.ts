import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sign } from '@octokit/webhooks-methods';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { invokeAsync } from '../src/aws/invoke.js';
import { cachedSecret } from '../src/aws/secrets.js';
import { webhookHandler } from '../src/handlers/webhook.js';
import type { PlanRequest } from '../src/planner/request.js';
import { plannedRunId } from '../src/planner/run-id.js';
import { pushPayload } from './support/github-shapes.js';
import { webhookPayloadProblems } from './support/github-openapi.js';

const SECRET = 'It is a secret to everybody';
const NOW = Date.UTC(2026, 10, 22, 8, 0, 0);
const secrets = mockClient(SecretsManagerClient);
const lambda = mockClient(LambdaClient);

const setup = () => {
  secrets.reset();
  lambda.reset();
  secrets.on(GetSecretValueCommand, { SecretId: 'arn:webhook' }).resolves({ SecretString: SECRET });
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  return webhookHandler({
    webhookSecret: cachedSecret(new SecretsManagerClient({ region: 'us-east-1' }), 'arn:webhook', () => NOW),
    startPlanner: (r) => invokeAsync(new LambdaClient({ region: 'us-east-1' }), 'hyperp-planner', r),
    now: () => NOW,
  });
};

const request = async (
  body: string,
  headers: Record<string, string>,
  opts: { signWith?: string; base64?: boolean } = {},
): Promise<LambdaFunctionURLEvent> => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/',
  rawQueryString: '',
  headers: {
    'content-type': 'application/json',
    ...(opts.signWith !== undefined ? { 'x-hub-signature-256': await sign(opts.signWith, body) } : {}),
    ...headers,
  },
  requestContext: {} as LambdaFunctionURLEvent['requestContext'],
  body: opts.base64 ? Buffer.from(body).toString('base64') : body,
  isBase64Encoded: opts.base64 ?? false,
});

const planned = () =>
  lambda.commandCalls(InvokeCommand).map((c) => ({
    ...c.args[0].input,
    Payload: JSON.parse(new TextDecoder().decode(c.args[0].input.Payload as Uint8Array)),
  }));

const hook = suite('webhook');

hook('a signed push is planned asynchronously, with the push time from the payload', async () => {
  const handle = setup();
  const body = JSON.stringify(pushPayload({ ref: 'refs/heads/main', after: 'a'.repeat(40) }));
  const headers = { 'x-github-event': 'push', 'x-github-delivery': 'd-100' };
  const first = await handle(await request(body, headers, { signWith: SECRET, base64: true }));
  assert.equal(first, {
    statusCode: 202,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accepted: true, repo: 'acme/calculator', branch: 'main', commit: 'a'.repeat(40), deliveryId: 'd-100' }),
  });
  assert.equal(planned(), [
    {
      FunctionName: 'hyperp-planner',
      InvocationType: 'Event',
      Payload: {
        kind: 'push',
        repo: 'acme/calculator',
        branch: 'main',
        commit: 'a'.repeat(40),
        installationId: 77,
        sender: 'octocat',
        pushedAt: 1795334400_000,
        deliveryId: 'd-100',
        receivedAt: NOW,
      },
    },
  ]);
  // The secret is read once per container, not per request.
  assert.is(secrets.commandCalls(GetSecretValueCommand).length, 1);
});

hook('GitHub\'s Redeliver (the same X-GitHub-Delivery) is planned again, naming the same runs', async () => {
  let now = NOW;
  const handle = webhookHandler({
    webhookSecret: async () => SECRET,
    startPlanner: (r) => invokeAsync(new LambdaClient({ region: 'us-east-1' }), 'hyperp-planner', r),
    now: () => now,
  });
  lambda.reset();
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  const body = JSON.stringify(pushPayload({ ref: 'refs/heads/main', after: 'f'.repeat(40) }));
  const headers = { 'x-github-event': 'push', 'x-github-delivery': 'd-500' };
  assert.is((await handle(await request(body, headers, { signWith: SECRET }))).statusCode, 202);
  // The planning failed (say GitHub's API was down); someone presses Redeliver an hour later.
  now = NOW + 3_600_000;
  const again = await handle(await request(body, headers, { signWith: SECRET }));
  assert.equal([again.statusCode, JSON.parse(String(again.body)).deliveryId], [202, 'd-500']);
  const requests = planned().map((p) => p.Payload as PlanRequest);
  assert.is(requests.length, 2);
  // Both deliveries name the same run: a planning that had succeeded appends nothing the second time.
  assert.is(plannedRunId(requests[1]!, 'calculator'), plannedRunId(requests[0]!, 'calculator'));
  // A different event is a different run.
  const other = { ...requests[0]!, deliveryId: 'd-501' } as PlanRequest;
  assert.is.not(plannedRunId(other, 'calculator'), plannedRunId(requests[0]!, 'calculator'));
});

hook('a wrong or missing signature is refused and plans nothing', async () => {
  const handle = setup();
  const body = JSON.stringify(pushPayload({ ref: 'refs/heads/main', after: 'b'.repeat(40) }));
  const headers = { 'x-github-event': 'push', 'x-github-delivery': 'd-200' };
  const wrong = await handle(await request(body, headers, { signWith: 'not the secret' }));
  assert.is(wrong.statusCode, 401);
  assert.equal(JSON.parse(String(wrong.body)), { error: 'X-Hub-Signature-256 does not match the payload and the webhook secret' });
  const tampered = await handle({ ...(await request(body, headers, { signWith: SECRET })), body: body.replace('main', 'dev') });
  assert.is(tampered.statusCode, 401);
  const missing = await handle(await request(body, headers));
  assert.equal([missing.statusCode, JSON.parse(String(missing.body))], [401, { error: 'missing X-Hub-Signature-256: set a webhook secret on the GitHub App' }]);
  assert.equal(planned(), []);
  // The genuine delivery still goes through.
  assert.is((await handle(await request(body, headers, { signWith: SECRET }))).statusCode, 202);
});

hook('pings, other events, tags and branch deletions are answered politely and start nothing', async () => {
  const handle = setup();
  const answer = async (event: string, payload: unknown, delivery: string) => {
    // GitHub's own description of the payloads it sends: the test sends only what GitHub would.
    if (event === 'push') assert.equal(webhookPayloadProblems(event, payload as Record<string, unknown>), []);
    const body = JSON.stringify(payload);
    const r = await handle(await request(body, { 'x-github-event': event, 'x-github-delivery': delivery }, { signWith: SECRET }));
    return [r.statusCode, JSON.parse(String(r.body))];
  };
  assert.equal(await answer('ping', { zen: 'Keep it logically awesome.' }, 'p1'), [200, { ok: true, message: 'pong' }]);
  assert.equal(await answer('issues', { action: 'opened' }, 'i1'), [202, { ignored: true, reason: 'hyperp acts on push, check_run and pull_request events only, not issues events' }]);
  assert.equal(await answer('push', pushPayload({ ref: 'refs/tags/v1.0.0', after: 'c'.repeat(40) }), 't1'), [
    202,
    { ignored: true, reason: 'tag push v1.0.0 starts no run' },
  ]);
  assert.equal(await answer('push', pushPayload({ ref: 'refs/heads/old', after: '0'.repeat(40), deleted: true }), 'x1'), [
    202,
    { ignored: true, reason: 'branch old was deleted' },
  ]);
  assert.equal(planned(), []);
});

hook('a failed planner invocation is an error, and the redelivery is planned', async () => {
  const handle = setup();
  lambda.on(InvokeCommand).rejectsOnce(new Error('Rate exceeded')).resolves({ StatusCode: 202 });
  const body = JSON.stringify(pushPayload({ ref: 'refs/heads/dev', after: 'd'.repeat(40) }));
  const headers = { 'x-github-event': 'push', 'x-github-delivery': 'd-300' };
  try {
    await handle(await request(body, headers, { signWith: SECRET }));
    assert.unreachable('the invocation error was swallowed');
  } catch (e) {
    assert.is((e as Error).message, 'Rate exceeded');
  }
  assert.is((await handle(await request(body, headers, { signWith: SECRET }))).statusCode, 202);
  assert.is(planned().length, 2);
});

hook('a planner invocation answered with a status other than 202 is a failure', async () => {
  const handle = setup();
  // Lambda answers 200 to a RequestResponse call and 202 to an accepted Event; anything else
  // means the push was not queued for planning.
  lambda.on(InvokeCommand).resolvesOnce({ StatusCode: 200, FunctionError: 'Unhandled' }).resolves({ StatusCode: 202 });
  const body = JSON.stringify(pushPayload({ ref: 'refs/heads/dev', after: 'e'.repeat(40) }));
  const headers = { 'x-github-event': 'push', 'x-github-delivery': 'd-400' };
  try {
    await handle(await request(body, headers, { signWith: SECRET }));
    assert.unreachable('a 200 answer was taken for an accepted invocation');
  } catch (e) {
    assert.is((e as Error).message, 'async invocation of hyperp-planner answered 200 (Unhandled)');
  }
  // The redelivery of the same id is accepted and planned.
  const again = await handle(await request(body, headers, { signWith: SECRET }));
  assert.equal([again.statusCode, JSON.parse(String(again.body)).deliveryId], [202, 'd-400']);
  assert.equal(planned().map((p) => [p.InvocationType, (p.Payload as { deliveryId: string }).deliveryId]), [['Event', 'd-400'], ['Event', 'd-400']]);
});

hook.run();
