import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { testEnv } from './support/env.js';

const pkg = new URL('..', import.meta.url).pathname;
const names = ['webhook', 'planner', 'task-events', 'stepper', 'sweep', 'api', 'efs'];
let local: LocalDynamo;

/** Runs an ES module script in a fresh process outside the repository (no workspace resolution). */
const runAlone = (script: string, env: Record<string, string>): string =>
  execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    cwd: '/', env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8',
  }).trim();

const bundles = suite('esbuild bundles');
bundles.before(async () => {
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: pkg, stdio: 'pipe' });
  local = await startDynamoLocal();
});
bundles.after(async () => {
  await local.stop();
});

bundles('every handler bundles to dist/bundles/<name>/index.mjs, loads alone and names its missing configuration', () => {
  for (const name of names) assert.ok(existsSync(`${pkg}dist/bundles/${name}/index.mjs`), name);
  const out = runAlone(
    `for (const n of ${JSON.stringify(names)}) {
      const m = await import(${JSON.stringify(`${pkg}dist/bundles/`)} + n + '/index.mjs');
      try { await m.handler({ headers: {} }); console.log(n + ': no error'); } catch (e) { console.log(n + ': ' + e.message.split(';')[0]); }
    }`,
    {},
  );
  assert.equal(out.split('\n'), names.map((n) => `${n}: hyperp is misconfigured: HYPERP_TABLE_NAME is not set`));
});

bundles('the task-events bundle, configured like a deployment, stores an ECS state change in DynamoDB', async () => {
  const table = await local.createTable();
  const detail = {
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/hyperp/0123', group: 'hyperp:run-1', startedBy: 'hyperp-' + 'a'.repeat(29),
    lastStatus: 'STOPPED', version: 3, cpu: '256', memory: '512', containers: [{ name: 'main', exitCode: 0 }],
    stoppedAt: '2026-11-22T08:03:00.000Z', updatedAt: '2026-11-22T08:03:00.000Z',
  };
  const event = { version: '0', id: 'e1', 'detail-type': 'ECS Task State Change', source: 'aws.ecs', account: '123456789012', time: '2026-11-22T08:03:01Z', region: 'us-east-1', resources: [], detail };
  const out = runAlone(
    `const m = await import(${JSON.stringify(`${pkg}dist/bundles/task-events/index.mjs`)});
     const e = ${JSON.stringify(event)};
     console.log(JSON.stringify([await m.handler(e), await m.handler(e)]));`,
    {
      ...testEnv, HYPERP_TABLE_NAME: table, AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1',
    },
  );
  assert.equal(JSON.parse(out.split('\n').at(-1)!), [{ outcome: 'appended' }, { outcome: 'duplicate' }]);
  const item = await local.doc.send(new GetCommand({ TableName: table, Key: { pk: 'RUN#run-1', sk: `EV#ecs:${detail.taskArn}:STOPPED:3` } }));
  assert.equal(JSON.parse(String(item.Item?.['body'])).containers, [{ name: 'main', exitCode: 0, reason: null }]);
});

bundles('the stepper bundle takes a due wake-up message from SQS and logs its Tick for the stream', async () => {
  const table = await local.createTable();
  const at = Date.UTC(2026, 10, 22, 8, 0, 0);
  const event = { Records: [{ messageId: 'm-1', eventSource: 'aws:sqs', body: JSON.stringify({ runId: 'run-2', at }) }] };
  const out = runAlone(
    `const m = await import(${JSON.stringify(`${pkg}dist/bundles/stepper/index.mjs`)});
     console.log(JSON.stringify(await m.handler(${JSON.stringify(event)})));`,
    {
      ...testEnv, HYPERP_TABLE_NAME: table, AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'us-east-1',
    },
  );
  assert.equal(JSON.parse(out.split('\n').at(-1)!), { batchItemFailures: [] });
  const item = await local.doc.send(new GetCommand({ TableName: table, Key: { pk: 'RUN#run-2', sk: `EV#wake:${at}` } }));
  assert.is(JSON.parse(String(item.Item?.['body']))._tag, 'Tick');
});

bundles.run();
