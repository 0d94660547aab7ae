// The calculator on the AWS adapter with a declared secret: the run reads it once from Secrets
// Manager, the efs function writes it as each job's 0400 file, every task definition mounts it
// read-only at /run/secrets, and it is gone when the run ends. The value travels in the efs
// function's request only: no table write, ECS input, check run or log line holds it; what a job
// printed of it is served by the API as ***.
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { vecToArray } from '@hyperp/core';
import { logStreamPrefix } from '@hyperp/core/internal';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config.js';
import { apiHandler } from '../src/handlers/api.js';
import type { StoredRun } from '../src/run/stepper.js';
import { runCalculatorEndToEnd, type E2EResult } from './support/calculator-e2e.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { startS3Local, type LocalS3 } from './support/s3-local.js';
import { testEnv } from './support/env.js';
import { http } from './support/url-event.js';

const VALUE = 'calc-db-pa55-7f3a';
let local: LocalDynamo;
let s3: LocalS3;
let r: E2EResult;

const e2e = suite('the calculator with a secret, on the AWS adapter');
e2e.before(async () => {
  local = await startDynamoLocal();
  s3 = await startS3Local(['hyperp-artifacts-test']);
  r = await runCalculatorEndToEnd(local, s3, { noisy: false, secrets: { db_password: VALUE } });
});
let cleaned = false;
e2e.after(async () => {
  if (!cleaned) await r.cleanup();
  await s3.stop();
  await local.stop();
});

e2e('the run succeeds; each job had its secret as a 0400 file in a 0700 folder, removed as the run ended', async () => {
  assert.is((await r.store.states.load(r.runId))?.status, 'SUCCEEDED');
  assert.is(r.secretFoldersRemoved.length, 4);
  for (const f of r.secretFoldersRemoved) assert.equal([f.dirMode, f.files], [0o700, { db_password: { mode: 0o400, text: VALUE } }]);
  const jobs = r.awsRequests.filter((l) => l.startsWith('ecs RegisterTaskDefinitionCommand '))
    .map((l) => JSON.parse(l.slice('ecs RegisterTaskDefinitionCommand '.length)) as RegisterTaskDefinitionCommandInput)
    // The image builder's definition mounts nothing of the run.
    .filter((input) => input.volumes?.some((v) => v.name === 'hyperp-output'));
  assert.is(jobs.length, 4);
  for (const input of jobs) {
    for (const c of input.containerDefinitions ?? []) {
      assert.equal(c.mountPoints?.find((m) => m.containerPath === '/run/secrets'), { sourceVolume: 'hyperp-secrets', containerPath: '/run/secrets', readOnly: true });
    }
  }
});

e2e('the value is in the efs function\'s request only: never in the table, an ECS input, a check run or a log line', () => {
  const holding = r.awsRequests.filter((l) => l.includes(VALUE));
  assert.is(holding.length, 1);
  assert.match(holding[0]!, /^lambda InvokeCommand .*"FunctionName":"hyperp-efs"/);
  assert.match(holding[0]!, /"InvocationType":"RequestResponse"/);
  assert.not.ok(r.logLines.some((l) => l.includes(VALUE)));
  assert.not.ok(JSON.stringify([...r.gh.checkRuns.values()]).includes(VALUE));
});

e2e('the logs the API serves of each job that printed its secret, as is and as base64, hold *** and never the value', async () => {
  const logs = mockClient(CloudWatchLogsClient);
  try {
    const printed = [`db password: ${VALUE}`, `as base64: ${Buffer.from(VALUE).toString('base64')}`, 'x = 7'];
    logs.on(GetLogEventsCommand).resolves({ events: printed.map((message, i) => ({ timestamp: i, message })), nextForwardToken: 'f/1' });
    const api = apiHandler({
      store: r.store, config: loadConfig({ ...testEnv, HYPERP_ARTIFACTS_BUCKET: 'hyperp-artifacts-test' }),
      lambda: { send: async () => assert.unreachable('lambda was called') } as never,
      logs: new CloudWatchLogsClient({ region: 'us-east-1' }), secrets: new SecretsManagerClient({ region: 'us-east-1' }),
      presign: async () => assert.unreachable('presigned') as never, startPlanner: async () => undefined, now: () => 0,
    });
    const { run } = (await r.store.states.load(r.runId))!.state as StoredRun;
    const jobs = vecToArray(run.jobs).map((j) => j.name);
    assert.is(jobs.length, 4);
    for (const job of jobs) {
      const answer = (await api(http('GET', `/runs/${r.runId}/logs`, { query: { job } }))) as { statusCode: number; body: string };
      assert.not.ok(answer.body.includes(VALUE), answer.body);
      assert.equal([answer.statusCode, (JSON.parse(answer.body) as { events: { message: string }[] }).events.map((e) => e.message)],
        [200, ['db password: ***', 'as base64: ***', 'x = 7']], job);
    }
    // Each job's own stream was read.
    assert.equal(logs.commandCalls(GetLogEventsCommand).map((c, i) => c.args[0].input.logStreamName!.startsWith(`${logStreamPrefix(r.runId, 'calculator', jobs[i]!)}/`)), [true, true, true, true]);
  } finally {
    logs.restore();
  }
});

e2e('a secret the repository does not have fails the run at its start, saying how to set it; no job\'s task runs', async () => {
  // One harness at a time: its mocks take over the SDK clients.
  await r.cleanup();
  cleaned = true;
  const u = await runCalculatorEndToEnd(local, s3, { noisy: false, secrets: { api_key: null } });
  try {
    const saved = await u.store.states.load(u.runId);
    assert.is(saved?.status, 'FAILED');
    assert.match(JSON.stringify(saved?.state), /secret api_key of acme\/calculator is not set on this deployment \(ResourceNotFoundException\): hyperp secrets set --repo acme\/calculator api_key/);
    // Image builds may have started alongside; no job's task did.
    assert.equal(u.runTaskInputs.map((i) => i.taskDefinition).filter((td) => !td?.includes('_builder:')), []);
  } finally {
    await u.cleanup();
  }
});

e2e.run();
