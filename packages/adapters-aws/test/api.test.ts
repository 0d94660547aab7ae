import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient, type GetSecretValueCommandInput } from '@aws-sdk/client-secrets-manager';
import { vecToArray, type RunRequested, type RunState } from '@hyperp/core';
import { downloadableKey, jobArtifactPath, logStreamPrefix, runDetail, type ApiRunDetail } from '@hyperp/core/internal';
import { simulate, syntheticRunRequested } from '@hyperp/core/sim';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existingImageTags } from '../src/aws/ecr-images.js';
import { loadConfig } from '../src/config.js';
import { STALE_MS } from '../src/api/zip-requests.js';
import { apiHandler } from '../src/handlers/api.js';
import { zipAttemptEventId } from '../src/handlers/efs.js';
import type { PlanRequest } from '../src/planner/request.js';
import { plannedRunId, runIdFor } from '../src/planner/run-id.js';
import { getRunMeta, type RunMeta } from '../src/run/meta.js';
import { MASK_CACHE_MS, secretMasks, type SecretMasks } from '../src/secrets/run-mask.js';
import { dynamoStore, type Store } from '../src/store/store.js';
import { storedRunOf } from '../src/run/stored-run.js';
import { awsError } from './support/aws-faults.js';
import { planCalculator } from './support/calculator-request.js';
import { drive } from './support/drive.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { testEnv } from './support/env.js';
import { http } from './support/url-event.js';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const NOW = T0 + 3_600_000;
const config = loadConfig(testEnv);
const logs = mockClient(CloudWatchLogsClient);
const lambda = mockClient(LambdaClient);
const sm = mockClient(SecretsManagerClient);
let local: LocalDynamo;
let store: Store;
let runId: string;
let meta: RunMeta;
let request: RunRequested;
const planned: PlanRequest[] = [];
const ecr = mockClient(ECRClient);
/** ECR holds every tag except these. */
const lostInRegistry = new Set<string>();
const registry = (input: { imageIds: { imageTag: string }[] }) => ({
  images: input.imageIds.filter((i) => !lostInRegistry.has(i.imageTag)).map((imageId) => ({ imageId, imageManifest: '{}' })),
  failures: input.imageIds.filter((i) => lostInRegistry.has(i.imageTag)).map((imageId) => ({ imageId, failureCode: 'ImageNotFound' })),
});
ecr.on(BatchGetImageCommand).callsFake(registry);

/** The planner's answers to the API's synchronous invocations: every request is kept in `planned`. */
const answerManual = (answer: (r: PlanRequest) => unknown = (r) => ({
  commit: 'c0ffee'.padEnd(40, '0'), runs: [{ runId: plannedRunId(r, 'calculator'), workflow: 'calculator', appended: true }], problems: [], refused: [],
})) =>
  lambda.on(InvokeCommand).callsFake(async (input: { Payload: Uint8Array }) => {
    const request = JSON.parse(new TextDecoder().decode(input.Payload)) as PlanRequest;
    planned.push(request);
    return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(answer(request))) };
  });
/** A synchronous invocation's response payload, as the SDK gives it. */
const payloadOf = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v)) as never;
/** Each invocation of the planner: function, invocation type and request. */
const invocations = () => lambda.commandCalls(InvokeCommand).map((c) => {
  const { FunctionName, InvocationType, Payload } = c.args[0].input;
  return [FunctionName, InvocationType, JSON.parse(new TextDecoder().decode(Payload as Uint8Array))];
});

const api = (now = NOW, masks?: SecretMasks, remainingMs?: () => number) =>
  apiHandler({
    store, config, lambda: new LambdaClient({ region: 'us-east-1' }), logs: new CloudWatchLogsClient({ region: 'us-east-1' }), secrets: new SecretsManagerClient({ region: 'us-east-1' }),
    ...(masks ? { masks } : {}),
    // Signing credentials with 20 minutes left: URLs are signed for no longer.
    presign: async (bucket, key, expires) => {
      const seconds = Math.min(expires, 1200);
      return { url: `https://${bucket}.s3.amazonaws.com/${key}?X-Amz-Expires=${seconds}`, expiresInSeconds: seconds, expiresAt: now + seconds * 1000 };
    },
    startPlanner: async (r) => void planned.push(r as PlanRequest), now: () => now, ...(remainingMs ? { remainingMs } : {}),
    imagesInRegistry: (tags) =>
      existingImageTags(new ECRClient({ region: 'us-east-1' }), config.ecrRepositoryUri, tags, { attempts: 1, baseMs: 1, maxMs: 1, sleep: async () => undefined, random: () => 0 }),
  });

const call = async (e: LambdaFunctionURLEvent, now = NOW): Promise<[number, Record<string, unknown>]> => {
  const r = (await api(now)(e)) as { statusCode: number; body: string };
  return [r.statusCode, JSON.parse(r.body) as Record<string, unknown>];
};

const a = suite('API');
a.before(async () => {
  local = await startDynamoLocal();
  store = dynamoStore(local.doc, await local.createTable());
  ({ runId, request } = await planCalculator(store, T0));
  meta = (await getRunMeta(store.ctx, runId))!;
  await (await drive(store, request, meta, T0)).toEnd();
  await saveSecretsRun();
});
a.after(async () => {
  logs.restore();
  lambda.restore();
  sm.restore();
  await local.stop();
});
a.before.each(() => {
  logs.reset();
  lambda.reset();
  sm.reset();
  planned.length = 0;
});

a('lists a repository\'s runs and filters them; a missing repo is a 400', async () => {
  const [status, body] = await call(http('GET', '/runs', { query: { repo: 'acme/calculator', branch: 'main' } }));
  assert.is(status, 200);
  assert.equal((body['runs'] as { runId: string; status: string }[]).map((r) => [r.runId, r.status]), [[runId, 'SUCCEEDED']]);
  assert.equal(await call(http('GET', '/runs', { query: { repo: 'acme/calculator', branch: 'dev' } })), [200, { runs: [] }]);
  assert.equal(await call(http('GET', '/runs')), [400, { error: 'query parameter "repo" is required (owner/name)' }]);
  assert.equal(await call(http('GET', '/runs', { query: { repo: 'x/y', cursor: 'bm9wZQ' } })), [400, { error: 'invalid page cursor "bm9wZQ"' }]);
});

a('shows a run with its jobs, tasks and cost; an unknown run is a 404', async () => {
  const [status, body] = await call(http('GET', `/runs/${runId}`));
  assert.is(status, 200);
  assert.equal([body['runId'], body['repo'], body['workflow'], body['status'], body['commit']], [runId, 'acme/calculator', 'calculator', 'SUCCEEDED', meta.commit]);
  assert.equal((body['jobs'] as { name: string; status: string; tasks: unknown[] }[]).map((j) => [j.name, j.status, j.tasks.length]), [
    ['Generate x', 'SUCCEEDED', 1], ['x * y', 'SUCCEEDED', 2], ['x / z', 'SUCCEEDED', 2], ['(x * y) + (x / z)', 'SUCCEEDED', 1],
  ]);
  assert.ok((body['costUsd'] as number) > 0);
  assert.equal(await call(http('GET', '/runs/nope')), [404, { error: 'no run nope' }]);
});

a('a run\'s detail is the picture hyperp ui draws: edges, images and why, attempt times, the critical path; 404s as a run does', async () => {
  const [status, body] = await call(http('GET', `/runs/${runId}/detail`));
  assert.is(status, 200);
  const d = body as unknown as ApiRunDetail;
  const saved = (await store.states.load(runId))!;
  // The same pure reading as a local run's page, with what the deployment recorded of the run.
  assert.equal(d, JSON.parse(JSON.stringify({ ...runDetail(storedRunOf(saved).state.run), runId, repo: 'acme/calculator', branch: 'main', trigger: meta.trigger })));
  assert.equal(d.jobs.map((j) => [j.name, j.dependsOn, j.critical]), [
    ['Generate x', [], true], ['x * y', ['Generate x'], d.jobs[1]!.critical], ['x / z', ['Generate x'], d.jobs[2]!.critical], ['(x * y) + (x / z)', ['x * y', 'x / z'], true],
  ]);
  assert.ok(d.jobs[1]!.critical !== d.jobs[2]!.critical, 'one of the two branches decided the end');
  assert.ok(d.images.length > 0 && d.images.every((i) => i.why !== '' && i.jobs.length > 0), 'each image says for which jobs and why');
  for (const a of d.jobs.flatMap((j) => j.attempts)) assert.ok(a.launchedAt !== null && a.runningAt !== null && a.stoppedAt !== null && a.launchedAt <= a.stoppedAt);
  assert.equal(Object.keys(d).sort(), [
    'branch', 'buildsUsd', 'commit', 'costUsd', 'dirty', 'ended', 'failure', 'finishedAt', 'images', 'jobs', 'now', 'repo', 'requestedAt', 'runId', 'status', 'trigger', 'workflow',
  ]);
  assert.equal(await call(http('GET', '/runs/nope/detail')), [404, { error: 'no run nope' }]);
  assert.equal(await call(http('POST', `/runs/${runId}/detail`)), [404, { error: `no route POST /runs/${runId}/detail` }]);
});

a('a run\'s detail names its jobs\' secrets nowhere: no value, no place in Secrets Manager, nothing of the task definition but container names', async () => {
  const r = (await api(NOW)(http('GET', `/runs/${SECRETS_RUN}/detail`))) as { statusCode: number; body: string };
  assert.is(r.statusCode, 200);
  for (const v of ['db_password', 'tls_key', 'secretsmanager', config.familyPrefix, 'valueFrom', 'environment', 'taskDefinition']) assert.not.ok(r.body.includes(v), `${v} in ${r.body}`);
  assert.equal((JSON.parse(r.body) as ApiRunDetail).jobs.map((j) => [j.name, j.status, j.containers]), [['a', 'SUCCEEDED', ['main']]]);
});

a('reads a task\'s log stream from CloudWatch Logs by the names the task definition gave it', async () => {
  logs.on(GetLogEventsCommand).resolves({ events: [{ timestamp: T0, message: 'x = 7' }], nextForwardToken: 'f/1' });
  const [status, body] = await call(http('GET', `/runs/${runId}/logs`, { query: { job: 'x * y', index: '2' } }));
  assert.is(status, 200);
  const input = logs.commandCalls(GetLogEventsCommand)[0]!.args[0].input;
  assert.equal(input.logGroupName, '/hyperp/tasks');
  assert.match(input.logStreamName!, new RegExp(`^${logStreamPrefix(runId, 'calculator', 'x * y').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/multiply/[0-9a-f]{12}$`));
  assert.equal(body, { logStream: input.logStreamName, events: [{ at: T0, message: 'x = 7' }], nextToken: 'f/1' });
  assert.equal(await call(http('GET', `/runs/${runId}/logs`, { query: { job: 'nope' } })), [404, { error: `run ${runId} has no job "nope"` }]);
});

a('a download URL of a downloadable job is presigned at once, for no longer than its signer has left', async () => {
  const scope = { commit: meta.commit, runId, workflow: 'calculator' };
  assert.equal(await call(http('GET', `/runs/${runId}/jobs/${encodeURIComponent('x * y')}/download`)), [200, {
    status: 'ready', url: `https://${config.artifactsBucket}.s3.amazonaws.com/${downloadableKey(scope, 'x * y')}?X-Amz-Expires=1200`,
    expiresInSeconds: 1200, expiresAt: NOW + 1_200_000, created: false,
  }]);
  assert.equal(lambda.commandCalls(InvokeCommand), []);
});

a('a job the run did not zip is zipped once, asynchronously; the API answers 202 until its result is logged', async () => {
  const scope = { commit: meta.commit, runId, workflow: 'calculator' };
  const job = 'Generate x';
  const path = `/runs/${runId}/jobs/${encodeURIComponent(job)}/download`;
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  const preparing = [202, { status: 'preparing', job, startedAt: NOW, retryAfterSeconds: 10 }];
  const r = (await api(NOW)(http('GET', path))) as { statusCode: number; headers: Record<string, string> };
  assert.equal([r.statusCode, r.headers['retry-after']], [202, '10']);
  // Asked again while it runs (even by two at once): no second zip.
  assert.equal(await Promise.all([call(http('GET', path), NOW + 60_000), call(http('GET', path), NOW + 61_000)]), [preparing, preparing]);
  assert.equal(lambda.commandCalls(InvokeCommand).map((c) => [c.args[0].input.FunctionName, c.args[0].input.InvocationType, JSON.parse(new TextDecoder().decode(c.args[0].input.Payload as Uint8Array))]), [[
    'hyperp-efs', 'Event',
    { op: 'zip', runId, job, sourcePath: jobArtifactPath(scope, job), bucket: config.artifactsBucket, objectKey: downloadableKey(scope, job), appendEvent: true, attempt: 1 },
  ]]);
  // The EFS helper logs its result in the run's log; the next request gets the URL.
  await store.events.append({
    id: zipAttemptEventId(job, 1, 'DownloadableReady'), runId, storedAt: new Date(NOW).toISOString(),
    event: { _tag: 'DownloadableReady', at: NOW + 300_000, job, location: `s3://${config.artifactsBucket}/${downloadableKey(scope, job)}`, bytes: 12 },
  });
  assert.equal(await call(http('GET', path), NOW + 400_000), [200, {
    status: 'ready', url: `https://${config.artifactsBucket}.s3.amazonaws.com/${downloadableKey(scope, job)}?X-Amz-Expires=1200`,
    expiresInSeconds: 1200, expiresAt: NOW + 400_000 + 1_200_000, created: true,
  }]);
  assert.is(lambda.commandCalls(InvokeCommand).length, 1);
});

a('a failed zip is reported once, then started again; a lost one is started again when stale; an invocation refused is withdrawn', async () => {
  const job = '(x * y) + (x / z)';
  const path = `/runs/${runId}/jobs/${encodeURIComponent(job)}/download`;
  const attempts = () => lambda.commandCalls(InvokeCommand).map((c) => JSON.parse(new TextDecoder().decode(c.args[0].input.Payload as Uint8Array)).attempt);
  // Lambda throttles the first invocation: nothing is left claimed.
  lambda.on(InvokeCommand).rejectsOnce(Object.assign(new Error('Rate Exceeded.'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } })).resolves({ StatusCode: 202 });
  assert.equal(await call(http('GET', path)), [502, { error: `could not start zipping ${job}: Rate Exceeded.; ask again to retry` }]);
  assert.is((await call(http('GET', path)))[0], 202);
  await store.events.append({
    id: zipAttemptEventId(job, 1, 'DownloadableFailed'), runId, storedAt: new Date(NOW).toISOString(),
    event: { _tag: 'DownloadableFailed', at: NOW + 1000, job, reason: 'EACCES: permission denied, open result.bin' },
  });
  assert.equal(await call(http('GET', path), NOW + 2000), [502, { error: `zipping ${job} failed: EACCES: permission denied, open result.bin; ask again to retry` }]);
  assert.equal(await call(http('GET', path), NOW + 3000), [202, { status: 'preparing', job, startedAt: NOW + 3000, retryAfterSeconds: 10 }]);
  // Attempt 2 never reports (its invocation was lost): after STALE_MS it is started again.
  assert.is((await call(http('GET', path), NOW + 3000 + STALE_MS - 1))[0], 202);
  assert.equal(await call(http('GET', path), NOW + 3000 + STALE_MS), [202, { status: 'preparing', job, startedAt: NOW + 3000 + STALE_MS, retryAfterSeconds: 10 }]);
  assert.equal(attempts(), [1, 1, 2, 3]);
});

a('cancelling a finished run is refused; a failed-only rerun of a run that succeeded is refused; a rerun of all jobs reuses every built image', async () => {
  assert.equal(await call(http('POST', `/runs/${runId}/cancel`, { body: { requestId: 'c1' } })), [409, { error: `run ${runId} has already ended SUCCEEDED` }]);
  // failedOnly is the API's default: every job of this run succeeded, so nothing is appended.
  const [refused, why] = await call(http('POST', `/runs/${runId}/rerun`, { body: { requestId: 'r0' } }));
  assert.equal([refused, String(why['error'])], [409, `nothing to rerun: every job of run ${runId} succeeded (a rerun of all its jobs runs them again)`]);
  const [status, body] = await call(http('POST', `/runs/${runId}/rerun`, { body: { requestId: 'r1', failedOnly: false } }));
  assert.is(status, 202);
  const newRun = String(body['runId']);
  assert.equal(body, { runId: newRun, from: runId, reused: [], jobs: 4, appended: true });
  const requested = (await store.events.list(newRun))[0]!.event as RunRequested;
  assert.equal(requested.trigger, { kind: 'rerun', fromRunId: runId, failedOnly: false });
  assert.equal(requested.plan.jobs.map((j) => [j.action, j.images.map((i) => i.action)]), [
    ['reuse', ['reuse']], ['reuse', ['reuse']], ['reuse', ['reuse']], ['reuse', ['reuse']],
  ]);
  assert.equal(requested.reuse, []);
  assert.equal((await getRunMeta(store.ctx, newRun))?.trigger, 'rerun');
  // The same request again is the same run.
  assert.equal((await call(http('POST', `/runs/${runId}/rerun`, { body: { requestId: 'r1', failedOnly: false } })))[1]['appended'], false);
});

a('a rerun builds again an image ECR no longer holds (expired since the run), asking ECR about every key of the plan', async () => {
  const keys = request.plan.jobs.map((j) => j.images[0]!.key);
  ecr.resetHistory();
  lostInRegistry.add(keys[1]!);
  try {
    const [status, body] = await call(http('POST', `/runs/${runId}/rerun`, { body: { requestId: 'r-expired', failedOnly: false } }));
    assert.is(status, 202);
    const requested = (await store.events.list(String(body['runId'])))[0]!.event as RunRequested;
    assert.equal(requested.plan.jobs.map((j) => [j.name, j.action, j.images[0]!.action]), [
      ['Generate x', 'reuse', 'reuse'], ['x * y', 'build', 'build'], ['x / z', 'reuse', 'reuse'], ['(x * y) + (x / z)', 'reuse', 'reuse'],
    ]);
    assert.equal(ecr.commandCalls(BatchGetImageCommand).map((c) => [c.args[0].input.repositoryName, c.args[0].input.imageIds!.map((i) => i.imageTag)]), [
      ['hyperp', [...new Set(keys)]],
    ]);
  } finally {
    lostInRegistry.clear();
  }
});

a('cancelling an active run appends CancelRequested once per request, by the caller', async () => {
  const other = await planCalculator(store, T0 + 1000, 'd-other');
  const otherMeta = (await getRunMeta(store.ctx, other.runId))!;
  await drive(store, other.request, otherMeta, T0 + 1000);
  const cancel = http('POST', `/runs/${other.runId}/cancel`, { body: { requestId: 'c2', reason: 'wrong commit' } });
  assert.equal(await call(cancel), [202, { runId: other.runId, cancel: 'appended' }]);
  assert.equal(await call(cancel), [202, { runId: other.runId, cancel: 'duplicate' }]);
  const e = (await store.events.list(other.runId)).find((x) => x.id === 'api:cancel:c2');
  assert.equal(e?.event, { _tag: 'CancelRequested', at: NOW, reason: 'wrong commit', by: 'arn:aws:iam::123456789012:user/ada' });
  assert.equal(await call(http('POST', `/runs/${other.runId}/cancel`, { body: {} })), [400, { error: '"requestId" is required and must be a non-empty string' }]);
});

a('a manual run is planned while the caller waits (the planner invoked synchronously); a cron schedule goes to the planner; bad input is a 400 naming the field', async () => {
  answerManual();
  // Answered with the id of the run the planner started, and the commit it planned.
  assert.equal(await call(http('POST', '/runs', { body: { repo: 'acme/calculator', branch: 'main', workflow: 'calculator', installationId: 77, requestId: 'm1' } })), [
    202, { accepted: true, runId: runIdFor(NOW, 'manual:m1', 'calculator'), repo: 'acme/calculator', branch: 'main', workflow: 'calculator', commit: 'c0ffee'.padEnd(40, '0') },
  ]);
  const m1 = { kind: 'manual', repo: 'acme/calculator', branch: 'main', workflow: 'calculator', commit: null, installationId: 77, requestedBy: 'arn:aws:iam::123456789012:user/ada', requestId: 'm1', receivedAt: NOW };
  assert.equal(invocations(), [[config.plannerFunctionName, 'RequestResponse', m1]]);
  const cron = { kind: 'cron', repo: 'acme/calculator', branch: 'main', workflow: 'calculator', schedule: '0 3 * * *', installationId: 77, scheduledAt: '2026-11-23T03:00:00Z' } as const;
  assert.equal(await api()(cron), { planned: true });
  assert.equal(planned, [m1, cron]);
  assert.equal(await call(http('POST', '/runs', { body: { repo: 'acme/calculator', installationId: 77, requestId: 'm2' } })), [400, { error: '"branch" is required and must be a non-empty string' }]);
  // Without an installation id, the one of the repository's latest run is used.
  assert.is((await call(http('POST', '/runs', { body: { repo: 'acme/calculator', branch: 'main', workflow: 'calculator', requestId: 'm3' } })))[0], 202);
  assert.is(planned.at(-1)?.installationId, 77);
  assert.equal(await call(http('POST', '/runs', { body: { repo: 'acme/other', branch: 'main', workflow: 'w', requestId: 'm4' } })), [
    400, { error: 'hyperp has not seen acme/other yet: push to it once, or give "installationId"' },
  ]);
  assert.equal(await call(http('DELETE', '/runs')), [404, { error: 'no route DELETE /runs' }]);
});

a('a manual run retried with its requestedAt names the same run, whenever the retry arrives; a requestedAt far from now is a 400', async () => {
  answerManual();
  const body = { repo: 'acme/calculator', branch: 'main', workflow: 'calculator', installationId: 77, requestId: 'm9', requestedAt: NOW - 5_000 };
  const [first, again] = [await call(http('POST', '/runs', { body })), await call(http('POST', '/runs', { body }), NOW + 90_000)];
  assert.equal([first[0], first[1]['runId']], [202, runIdFor(NOW - 5_000, 'manual:m9', 'calculator')]);
  assert.equal(again, first);
  assert.equal(planned.slice(-2).map((p) => [p.kind === 'manual' && p.receivedAt, plannedRunId(p, 'calculator')]), [
    [NOW - 5_000, first[1]['runId']], [NOW - 5_000, first[1]['runId']],
  ]);
  assert.equal(await call(http('POST', '/runs', { body: { ...body, requestedAt: NOW - 3_600_000 } })), [400, {
    error: `"requestedAt" must be the request's time in epoch milliseconds, within 15 minutes of ${new Date(NOW).toISOString()}; got ${NOW - 3_600_000}`,
  }]);
  assert.is((await call(http('POST', '/runs', { body: { ...body, requestedAt: 'soon' } })))[0], 400);
});

// What the API answers when CloudWatch Logs or ECR fails, for every error each call documents
// (CloudWatch Logs API Reference "GetLogEvents", ECR API Reference "BatchGetImage", and their
// "Common Errors"; read 2026-12), in the SDK's shape: a clear JSON error, never a crash.
const logFaults: [Error, number, string][] = [
  [awsError('ThrottlingException', 'Rate exceeded', 400), 429, 'CloudWatch Logs GetLogEvents is throttled (ThrottlingException: Rate exceeded); ask again in a few seconds'],
  [awsError('ServiceUnavailableException', 'The service cannot complete the request.', 500), 503,
    'CloudWatch Logs GetLogEvents is unavailable right now (ServiceUnavailableException: The service cannot complete the request.); ask again in a few seconds'],
  [awsError('ResourceNotFoundException', 'The specified log stream does not exist.', 400), 404, 'STREAM (ResourceNotFoundException: The specified log stream does not exist.)'],
  [awsError('InvalidParameterException', 'The specified nextToken is invalid.', 400), 400,
    'CloudWatch Logs refused the request: is "nextToken" one it gave? (InvalidParameterException: The specified nextToken is invalid.)'],
  [awsError('AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/hyperp-api/hyperp-api is not authorized to perform: logs:GetLogEvents on resource: arn:aws:logs:us-east-1:123456789012:log-group:/hyperp/tasks:log-stream:x because no identity-based policy allows the logs:GetLogEvents action', 400), 502,
    'CloudWatch Logs GetLogEvents failed: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/hyperp-api/hyperp-api is not authorized to perform: logs:GetLogEvents on resource: arn:aws:logs:us-east-1:123456789012:log-group:/hyperp/tasks:log-stream:x because no identity-based policy allows the logs:GetLogEvents action: the API function is not allowed this call; the deployment\'s permissions (src/contract/permissions.json) need it'],
  [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 503, 'CloudWatch Logs GetLogEvents is unavailable right now (ECONNRESET: socket hang up); ask again in a few seconds'],
];

/** An answer's status, body and Retry-After; the body must be exactly `{error}` with no stack in it. */
const answerOf = async (e: LambdaFunctionURLEvent): Promise<[number, string, string | undefined]> => {
  const r = (await api(NOW)(e)) as { statusCode: number; headers: Record<string, string>; body: string };
  const body = JSON.parse(r.body) as Record<string, unknown>;
  assert.equal(Object.keys(body), ['error']);
  assert.not.match(String(body['error']), /\n\s+at /);
  return [r.statusCode, String(body['error']), r.headers['retry-after']];
};

a('every documented error of CloudWatch Logs GetLogEvents is a clear JSON error with the status the CLI acts on', async () => {
  const query = { job: 'x * y', index: '2', nextToken: 'f/0' };
  for (const [error, status, message] of logFaults) {
    logs.reset();
    logs.on(GetLogEventsCommand).rejects(error);
    const [got, text, retryAfter] = await answerOf(http('GET', `/runs/${runId}/logs`, { query }));
    const stream = logs.commandCalls(GetLogEventsCommand)[0]!.args[0].input.logStreamName!;
    const expected = message.replace('STREAM', `no log stream ${stream} in /hyperp/tasks: the task has not logged anything yet, or its logs have expired`);
    assert.equal([got, text, retryAfter], [status, expected, status === 429 || status === 503 ? '5' : undefined], error.name);
  }
});

a('every documented error of ECR BatchGetImage behind a rerun is a clear JSON error; the rerun is not appended', async () => {
  const ecrFaults: [Error, number, string][] = [
    [awsError('ThrottlingException', 'Rate exceeded', 400), 429, 'ECR BatchGetImage is throttled (ThrottlingException: Rate exceeded); ask again in a few seconds'],
    [awsError('LimitExceededException', 'The operation did not succeed because it would have exceeded a service limit for your account.', 400), 429,
      'ECR BatchGetImage is throttled (LimitExceededException: The operation did not succeed because it would have exceeded a service limit for your account.); ask again in a few seconds'],
    [awsError('ServerException', 'These errors are usually caused by a server-side issue.', 500), 503,
      'ECR BatchGetImage is unavailable right now (ServerException: These errors are usually caused by a server-side issue.); ask again in a few seconds'],
    [awsError('RepositoryNotFoundException', "The repository with name 'hyperp' does not exist in the registry with id '123456789012'", 400), 502,
      "ECR BatchGetImage failed: RepositoryNotFoundException: The repository with name 'hyperp' does not exist in the registry with id '123456789012'"],
    [awsError('InvalidParameterException', 'Invalid parameter at \'imageIds\' failed to satisfy constraint: \'Member must have length less than or equal to 100\'', 400), 502,
      'ECR BatchGetImage failed: InvalidParameterException: Invalid parameter at \'imageIds\' failed to satisfy constraint: \'Member must have length less than or equal to 100\''],
    [awsError('UnableToGetUpstreamImageException', 'The image could not be retrieved from the upstream registry.', 400), 502,
      'ECR BatchGetImage failed: UnableToGetUpstreamImageException: The image could not be retrieved from the upstream registry.'],
    [awsError('AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/hyperp-api/hyperp-api is not authorized to perform: ecr:BatchGetImage', 400), 502,
      'ECR BatchGetImage failed: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/hyperp-api/hyperp-api is not authorized to perform: ecr:BatchGetImage: the API function is not allowed this call; the deployment\'s permissions (src/contract/permissions.json) need it'],
  ];
  try {
    for (const [error, status, message] of ecrFaults) {
      ecr.reset();
      ecr.on(BatchGetImageCommand).rejects(error);
      const [got, text] = await answerOf(http('POST', `/runs/${runId}/rerun`, { body: { requestId: `ecr-${error.name}`, failedOnly: false } }));
      assert.equal([got, text], [status, message], error.name);
    }
    const requested = await store.events.list(runIdFor(NOW, `rerun:ecr-ThrottlingException`, 'calculator'));
    assert.equal(requested, []);
  } finally {
    ecr.reset();
    ecr.on(BatchGetImageCommand).callsFake(registry);
  }
});

a('a failure nobody foresaw is a 500 with its message, its stack only in the log', async () => {
  const logged: unknown[] = [];
  const broken = apiHandler({
    store, config, lambda: new LambdaClient({ region: 'us-east-1' }), logs: new CloudWatchLogsClient({ region: 'us-east-1' }), secrets: new SecretsManagerClient({ region: 'us-east-1' }),
    presign: async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'expiration')");
    },
    startPlanner: async () => undefined, now: () => NOW, log: (m, detail) => void logged.push([m, typeof detail?.['stack']]),
  });
  const r = (await broken(http('GET', `/runs/${runId}/jobs/${encodeURIComponent('x * y')}/download`))) as { statusCode: number; body: string };
  assert.equal([r.statusCode, JSON.parse(r.body)], [500, { error: "the hyperp API failed: Cannot read properties of undefined (reading 'expiration') (the api function's log has the details)" }]);
  assert.equal(logged, [['the API failed', 'string']]);
});

// A run whose jobs declare secrets, and a job that printed them: what the API serves of its log.
const SECRETS_RUN = 'secrets-run-1';
const PASSWORD = 'calc-db-pa55-7f3a';
const OLD_PASSWORD = 'old-pa55-e1c9';
const KEY = '-----BEGIN KEY-----\nMIIBabc123def\n-----END KEY-----\n';
const secretIdOf = (name: string) => `${config.familyPrefix}/acme/calculator/${name}`;
let secretsRun: RunState;

async function saveSecretsRun(): Promise<void> {
  const r = syntheticRunRequested({ name: 'solo', jobs: [{ name: 'a', imageAction: 'reuse' }] }, { runId: SECRETS_RUN, at: T0 });
  const secrets = [{ name: 'db_password' }, { name: 'tls_key' }, { name: 'gone_token' }];
  const requested: RunRequested = { ...r, workflow: { ...r.workflow, jobs: r.workflow.jobs.map((j) => ({ ...j, secrets })) } };
  secretsRun = simulate({ seed: 1, request: requested, model: { startLatencyMs: 1000, buildMs: () => 1000, task: () => ({ durationMs: 5000, exitCode: 0 }) } }).state;
  const runMeta: RunMeta = { runId: SECRETS_RUN, repo: 'acme/calculator', installationId: 77, branch: 'main', commit: requested.commit, workflow: 'solo', trigger: 'push' };
  await store.states.save({ runId: SECRETS_RUN, version: 1, outbox: [], outboxDone: true, status: secretsRun.status, updatedAt: 't', state: { run: secretsRun, meta: runMeta } });
}

/** What Secrets Manager holds: the password changed once (AWSPREVIOUS), the key never; gone_token is not there. */
const secretsManagerHolds = () => {
  sm.reset();
  sm.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => {
    const previous = input.VersionStage === 'AWSPREVIOUS';
    if (input.SecretId === secretIdOf('db_password')) return { Name: input.SecretId, SecretString: previous ? OLD_PASSWORD : PASSWORD, VersionId: previous ? 'v1' : 'v2' };
    if (input.SecretId === secretIdOf('tls_key') && !previous) return { Name: input.SecretId, SecretString: KEY, VersionId: 'v1' };
    throw awsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret${previous ? ' value for staging label: AWSPREVIOUS' : ''}.`, 400);
  });
};

const printed = [
  `connecting with ${PASSWORD}`,
  `as base64: ${Buffer.from(PASSWORD).toString('base64')}`,
  '-----BEGIN KEY-----', 'MIIBabc123def', '-----END KEY-----',
  `it was ${OLD_PASSWORD} yesterday`,
  // A long line the log driver cut into two events, inside the value.
  'split: calc-db-', 'pa55-7f3a done',
  'x = 7',
];
const printedLogs = () => {
  logs.reset();
  logs.on(GetLogEventsCommand).resolves({ events: printed.map((message, i) => ({ timestamp: T0 + i, message })), nextForwardToken: 'f/2' });
};

/** The log of the secrets run's job, as the API answers it; no answer ever holds a value or a line of one. */
const maskedLogs = async (masks?: SecretMasks): Promise<[number, Record<string, unknown>, string | undefined]> => {
  const r = (await api(NOW, masks)(http('GET', `/runs/${SECRETS_RUN}/logs`, { query: { job: 'a' } }))) as { statusCode: number; body: string; headers: Record<string, string> };
  for (const v of [PASSWORD, OLD_PASSWORD, 'MIIBabc123def', Buffer.from(PASSWORD).toString('base64'), 'calc-db-', 'pa55-7f3a']) assert.not.ok(r.body.includes(v), `${v} in ${r.body}`);
  return [r.statusCode, JSON.parse(r.body) as Record<string, unknown>, r.headers['retry-after']];
};
const secretReads = () => sm.commandCalls(GetSecretValueCommand).map((c) => JSON.stringify(c.args[0].input)).sort();

a('logs: a value, its base64, each line of a multi-line value, a value split across events and the value before its last change are ***', async () => {
  printedLogs();
  secretsManagerHolds();
  const [status, body] = await maskedLogs();
  assert.is(status, 200);
  assert.equal((body['events'] as { at: number; message: string }[]).map((e) => e.message), [
    'connecting with ***', 'as base64: ***', '***', '***', '***', 'it was *** yesterday', 'split: ***', ' done', 'x = 7',
  ]);
  assert.equal((body['events'] as { at: number }[]).map((e) => e.at), printed.map((_, i) => T0 + i));
  assert.is(body['nextToken'], 'f/2');
  // Each declared secret's current value, then the one before it (none for a secret never changed, nor for one not there).
  assert.equal(secretReads(), [
    { SecretId: secretIdOf('db_password') }, { SecretId: secretIdOf('db_password'), VersionStage: 'AWSPREVIOUS' },
    { SecretId: secretIdOf('gone_token') },
    { SecretId: secretIdOf('tls_key') }, { SecretId: secretIdOf('tls_key'), VersionStage: 'AWSPREVIOUS' },
  ].map((i) => JSON.stringify(i)).sort());
});

a('logs: a page without events, or a run whose jobs declare no secret, reads no secret', async () => {
  logs.on(GetLogEventsCommand).resolves({ events: [], nextForwardToken: 'f/3' });
  const [status, body] = await maskedLogs();
  assert.equal([status, body['events'], body['nextToken']], [200, [], 'f/3']);
  printedLogs();
  assert.is((await call(http('GET', `/runs/${runId}/logs`, { query: { job: 'x * y' } })))[0], 200);
  assert.is(sm.commandCalls(GetSecretValueCommand).length, 0);
});

a('logs: when Secrets Manager fails, the answer names the call and how it failed, never the log', async () => {
  printedLogs();
  const faults: [Error, number, string][] = [
    [awsError('ThrottlingException', 'Rate exceeded', 400), 429, 'Secrets Manager GetSecretValue is throttled (ThrottlingException: Rate exceeded); ask again in a few seconds'],
    [awsError('InternalServiceError', 'An error occurred on the server side.', 500), 503,
      'Secrets Manager GetSecretValue is unavailable right now (InternalServiceError: An error occurred on the server side.); ask again in a few seconds'],
    [awsError('AccessDeniedException', `User: arn:aws:sts::123456789012:assumed-role/hyperp-api/hyperp-api is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secretIdOf('db_password')} because no identity-based policy allows the secretsmanager:GetSecretValue action`, 400), 502,
      `Secrets Manager GetSecretValue failed: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/hyperp-api/hyperp-api is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secretIdOf('db_password')} because no identity-based policy allows the secretsmanager:GetSecretValue action: the API function is not allowed this call; the deployment's permissions (src/contract/permissions.json) need it`],
    [awsError('DecryptionFailure', "Secrets Manager can't decrypt the protected secret text using the provided KMS key.", 400), 502,
      "Secrets Manager GetSecretValue failed: DecryptionFailure: Secrets Manager can't decrypt the protected secret text using the provided KMS key."],
  ];
  for (const [error, status, message] of faults) {
    sm.reset();
    sm.on(GetSecretValueCommand).rejects(error);
    assert.equal(await maskedLogs(), [status, { error: message }, status === 429 || status === 503 ? '5' : undefined], error.name);
  }
  // The value before the last change cannot be read: what the job printed of it would be served raw.
  sm.reset();
  sm.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => {
    if (input.VersionStage === 'AWSPREVIOUS') throw awsError('ThrottlingException', 'Rate exceeded', 400);
    return { Name: input.SecretId, SecretString: PASSWORD, VersionId: 'v2' };
  });
  assert.equal(await maskedLogs(), [429, { error: 'Secrets Manager GetSecretValue is throttled (ThrottlingException: Rate exceeded); ask again in a few seconds' }, '5']);
});

a('logs: a container keeps values a minute, only those read after the run read its own; a failed read is not kept', async () => {
  printedLogs();
  secretsManagerHolds();
  const clock = { now: 0 };
  const masks = secretMasks(new SecretsManagerClient({ region: 'us-east-1' }), config.familyPrefix, () => clock.now);
  const firstJobStarted = Math.min(...vecToArray(secretsRun.jobs).map((j) => j.startedAt!));
  const reads = () => sm.commandCalls(GetSecretValueCommand).length;
  // Read before the run read its secrets: a value may have changed in between, so it is read again.
  clock.now = firstJobStarted - 1;
  await maskedLogs(masks);
  assert.is(reads(), 5);
  clock.now = firstJobStarted;
  await maskedLogs(masks);
  assert.is(reads(), 10);
  clock.now = firstJobStarted + MASK_CACHE_MS - 1;
  const [status, body] = await maskedLogs(masks);
  assert.is(reads(), 10, 'kept');
  assert.equal([status, (body['events'] as { message: string }[])[0]!.message], [200, 'connecting with ***']);
  clock.now = firstJobStarted + MASK_CACHE_MS;
  sm.reset();
  sm.on(GetSecretValueCommand).rejects(awsError('ThrottlingException', 'Rate exceeded', 400));
  assert.is((await maskedLogs(masks))[0], 429);
  secretsManagerHolds();
  assert.is((await maskedLogs(masks))[0], 200);
  assert.is(reads(), 5, 'read again after the failure');
});

a('a manual run the planner refuses is a 422 with each problem, the input named; asked again, the same answer and no run', async () => {
  const refused = ['the workflow declares no input "y"; it takes x, note', 'input "x" must be a number, not "two"'];
  answerManual(() => ({ commit: 'c0ffee'.padEnd(40, '0'), runs: [], problems: refused.map((p) => `calculator: ${p}`), refused }));
  const body = { repo: 'acme/calculator', branch: 'main', workflow: 'calculator', installationId: 77, requestId: 'bad-1', requestedAt: NOW, inputs: { x: 'two', y: '1' } };
  const expected = [422, {
    error: 'workflow "calculator" was not started on acme/calculator@c0ffee000000: 2 problems', problems: refused,
    repo: 'acme/calculator', branch: 'main', workflow: 'calculator', commit: 'c0ffee'.padEnd(40, '0'),
  }];
  assert.equal(await call(http('POST', '/runs', { body })), expected);
  assert.equal(await call(http('POST', '/runs', { body }), NOW + 30_000), expected);
  assert.equal(invocations().map(([fn, type, payload]) => [fn, type, (payload as { inputs: unknown }).inputs]), [
    [config.plannerFunctionName, 'RequestResponse', { x: 'two', y: '1' }], [config.plannerFunctionName, 'RequestResponse', { x: 'two', y: '1' }],
  ]);
  assert.equal(await store.events.list(runIdFor(NOW, 'manual:bad-1', 'calculator')), []);
  // One problem is said on the first line.
  answerManual(() => ({ commit: 'c0ffee'.padEnd(40, '0'), runs: [], problems: [], refused: ['input "x" is required (a number)'] }));
  assert.equal((await call(http('POST', '/runs', { body: { ...body, requestId: 'bad-2', inputs: {} } })))[1]['error'],
    'workflow "calculator" was not started on acme/calculator@c0ffee000000: input "x" is required (a number)');
});

a('a planner that fails, cannot be invoked or does not answer in time is a clear error naming the call, never a stack', async () => {
  const call = `Lambda Invoke of the planner (${config.plannerFunctionName})`;
  const body = { repo: 'acme/calculator', branch: 'main', workflow: 'calculator', installationId: 77, requestId: 'f1', requestedAt: NOW };
  const runId = runIdFor(NOW, 'manual:f1', 'calculator');
  // Lambda API Reference "Invoke" errors (read 2026-12), as the SDK throws them, and the planner's own failures.
  const faults: [() => void, number, string][] = [
    [() => lambda.on(InvokeCommand).rejects(awsError('TooManyRequestsException', 'Rate Exceeded.', 429, { Reason: 'ConcurrentInvocationLimitExceeded' })), 429,
      `${call} is throttled (TooManyRequestsException: Rate Exceeded.); ask again in a few seconds`],
    [() => lambda.on(InvokeCommand).rejects(awsError('ServiceException', 'An internal error occurred.', 500)), 503,
      `${call} is unavailable right now (ServiceException: An internal error occurred.); ask again in a few seconds`],
    [() => lambda.on(InvokeCommand).rejects(awsError('ResourceNotFoundException', `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${config.plannerFunctionName}`, 404)), 502,
      `${call} failed: ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:123456789012:function:${config.plannerFunctionName}`],
    [() => lambda.on(InvokeCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/hyperp-api/hyperp-api is not authorized to perform: lambda:InvokeFunction', 403)), 502,
      `${call} failed: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/hyperp-api/hyperp-api is not authorized to perform: lambda:InvokeFunction: the API function is not allowed this call; the deployment's permissions (src/contract/permissions.json) need it`],
    // The planner threw (GitHub down): a function error, its trace left out.
    [() => lambda.on(InvokeCommand).resolves({
      StatusCode: 200, FunctionError: 'Unhandled',
      Payload: payloadOf({ errorType: 'GitHubError', errorMessage: 'GitHub answered 502 to GET /repos/acme/calculator/git/trees/main', trace: ['GitHubError: GitHub answered 502', '    at request (/var/task/index.mjs:1:2)'] }),
    }), 502, `the planner failed (${call}): GitHubError: GitHub answered 502 to GET /repos/acme/calculator/git/trees/main; ask again: the same request starts at most one run`],
    // The planner ran out of its own time.
    [() => lambda.on(InvokeCommand).resolves({
      StatusCode: 200, FunctionError: 'Unhandled',
      Payload: payloadOf({ errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: 5c0f5a7e Error: Task timed out after 300.00 seconds' }),
    }), 502, `the planner failed (${call}): Sandbox.Timedout: RequestId: 5c0f5a7e Error: Task timed out after 300.00 seconds; ask again: the same request starts at most one run`],
    [() => lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payloadOf('null') }), 502,
      `the planner answered something this API does not read (${call}): is the deployment half updated?`],
  ];
  for (const [fault, status, message] of faults) {
    lambda.reset();
    fault();
    const [got, text, retryAfter] = await answerOf(http('POST', '/runs', { body }));
    assert.equal([got, text, retryAfter], [status, message, status === 429 || status === 503 ? '5' : undefined], message);
  }
  // The API has 3.2 s left: it waits 0.2 s for a planner that does not answer, and says what to do.
  lambda.reset();
  lambda.on(InvokeCommand).callsFake(() => new Promise(() => undefined));
  const r = (await api(NOW, undefined, () => 3_200)(http('POST', '/runs', { body }))) as { statusCode: number; headers: Record<string, string>; body: string };
  assert.equal([r.statusCode, JSON.parse(r.body), r.headers['retry-after']], [503, {
    error: `the planner has not answered within 0.2 s (${call}); it may still start run ${runId}: ask again with the same request (it starts at most one run), or follow it with hyperp runs show ${runId}`,
  }, '5']);
});

a.run();
