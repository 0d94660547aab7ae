import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { vecToArray, viewUsd, type RunState } from '@hyperp/core';
import { mdUsd } from '@hyperp/core/internal';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { StoredRun } from '../src/run/stepper.js';
import { runCalculatorEndToEnd, type E2EResult } from './support/calculator-e2e.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { startS3Local, type LocalS3 } from './support/s3-local.js';

let local: LocalDynamo;
let s3: LocalS3;
let r: E2EResult;

const e2e = suite('calculator end to end on the AWS adapter');
e2e.before(async () => {
  local = await startDynamoLocal();
  s3 = await startS3Local(['hyperp-artifacts-test']);
  r = await runCalculatorEndToEnd(local, s3);
});
e2e.after(async () => {
  await r?.cleanup();
  await s3.stop();
  await local.stop();
});

e2e('a signed push ends SUCCEEDED with every job done', async () => {
  assert.is(r.webhook.statusCode, 202);
  const saved = await r.store.states.load(r.runId);
  const run = (saved!.state as StoredRun).run as RunState;
  assert.is(run.status, 'SUCCEEDED');
  assert.equal(vecToArray(run.jobs).map((j) => [j.name, j.status, j.tasks.size]), [
    ['Generate x', 'SUCCEEDED', 1], ['x * y', 'SUCCEEDED', 2], ['x / z', 'SUCCEEDED', 2], ['(x * y) + (x / z)', 'SUCCEEDED', 1],
  ]);
  assert.equal(vecToArray(run.jobs).map((j) => j.downloadable?.status ?? null), [null, 'READY', 'READY', null]);
  assert.is(saved!.outboxDone, true);
});

e2e('RunTask was asked for each of 4 builds and 6 job tasks once, with its attempt, index and network', async () => {
  const jobs = r.runTaskInputs.filter((i) => !String(i.taskDefinition).includes('hyperp_builder'));
  const builds = r.runTaskInputs.filter((i) => String(i.taskDefinition).includes('hyperp_builder'));
  assert.is(builds.length, 4);
  assert.is(jobs.length, 6);
  assert.equal(new Set(r.runTaskInputs.map((i) => i.clientToken)).size, 10);
  assert.equal(
    jobs.map((i) => [i.taskDefinition!.replace(/^.*task-definition\//, '').replace(/-[0-9a-f]{16}:\d+$/, ''), i.overrides!.containerOverrides![0]!.environment!.map((e) => `${e.name}=${e.value}`)]).sort(),
    [
      ['hyperp_calculator-Generate-x', ['TASK_INDEX=1', 'TASK_TOTAL_SIZE=1']],
      ['hyperp_calculator-x-y', ['TASK_INDEX=1', 'TASK_TOTAL_SIZE=2']],
      ['hyperp_calculator-x-y', ['TASK_INDEX=2', 'TASK_TOTAL_SIZE=2']],
      ['hyperp_calculator-x-y-x-z', ['TASK_INDEX=1', 'TASK_TOTAL_SIZE=1']],
      ['hyperp_calculator-x-z', ['TASK_INDEX=1', 'TASK_TOTAL_SIZE=2']],
      ['hyperp_calculator-x-z', ['TASK_INDEX=2', 'TASK_TOTAL_SIZE=2']],
    ],
  );
  for (const i of r.runTaskInputs) {
    assert.equal([i.launchType, i.count, i.group, i.networkConfiguration], [
      'FARGATE', 1, `hyperp:${r.runId}`,
      { awsvpcConfiguration: { subnets: ['subnet-aaa', 'subnet-bbb'], securityGroups: ['sg-123'], assignPublicIp: 'ENABLED' } },
    ]);
    assert.match(i.startedBy!, /^hyperp-[0-9a-f]{29}$/);
  }
});

e2e('no AWS request or log line of the whole run carries a GitHub token: not RunTask, not a stored event, not an S3 object', () => {
  // The planner and the stepper both minted tokens to read the repository.
  assert.ok(r.githubTokens.length > 0);
  assert.ok(r.awsRequests.length > 50, `${r.awsRequests.length} requests captured`);
  assert.ok(r.awsRequests.some((q) => q.startsWith('s3 PutObjectCommand')), 'the contexts were uploaded');
  const leaks = [...r.awsRequests, ...r.logLines].filter((q) => r.githubTokens.some((token) => q.includes(token)));
  assert.equal(leaks.map((q) => q.slice(0, 120)), []);
});

e2e('each build reads its context from S3, packed once per image key under hyperp-contexts/', async () => {
  const builds = r.runTaskInputs.filter((i) => String(i.taskDefinition).includes('hyperp_builder'));
  const contexts = builds.map((i) => i.overrides!.containerOverrides![0]!.command![0]!);
  const run = ((await r.store.states.load(r.runId))!.state as StoredRun).run as RunState;
  assert.equal(contexts.sort(), vecToArray(run.images).map((i) => `--context=s3://hyperp-artifacts-test/hyperp-contexts/${i.key}.tar.gz`).sort());
  for (const b of builds) assert.equal(Object.keys(b.overrides!.containerOverrides![0]!).sort(), ['command', 'name']);
  for (const c of contexts) {
    const head = await s3.s3.send(new HeadObjectCommand({ Bucket: 'hyperp-artifacts-test', Key: c.replace('--context=s3://hyperp-artifacts-test/', '') }));
    assert.ok((head.ContentLength ?? 0) > 0);
  }
});

e2e('the builds\' one-hour deadline is a wake-up message delayed as long as SQS allows; nearer ones are waited for in-process', () => {
  const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
  assert.equal(r.wakeupMessages, [
    { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/hyperp-wakeups', MessageBody: JSON.stringify({ runId: r.runId, at: T0 + 3_600_000 }), DelaySeconds: 900 },
  ]);
});

e2e('the cost is the sum of what each task and build billed, from pull start to stop', async () => {
  const run = ((await r.store.states.load(r.runId))!.state as StoredRun).run as RunState;
  // 6 tasks at 0.25 vCPU / 0.5 GB and 4 builds at 1 vCPU / 2 GB, each billed 90 s
  // each, us-east-1 x86_64 on demand ($0.04048 per vCPU-hour, $0.004445 per GB-hour).
  const rate = (vcpu: number, gb: number) => (90 / 3600) * (vcpu * 0.04048 + gb * 0.004445);
  // Each task's cost is rounded to a nanodollar before it is added.
  const tasks = 6 * (Math.round(rate(0.25, 0.5) * 1e9) / 1e9);
  assert.ok(Math.abs(run.cost.tasksUsd - tasks) < 1e-12, `tasks ${run.cost.tasksUsd} vs ${tasks}`);
  const builds = r.runTaskInputs
    .filter((i) => String(i.taskDefinition).includes('hyperp_builder'))
    .reduce((sum, i) => sum + Math.round(rate(Number(i.overrides!.cpu) / 1024, Number(i.overrides!.memory) / 1024) * 1e9) / 1e9, 0);
  // Two jobs ask for 1 vCPU / 2 GB builds; the others get the reducer's default build size, the same.
  assert.equal(
    r.runTaskInputs.filter((i) => String(i.taskDefinition).includes('hyperp_builder')).map((i) => [i.overrides!.cpu, i.overrides!.memory]),
    [['1024', '2048'], ['1024', '2048'], ['1024', '2048'], ['1024', '2048']],
  );
  assert.ok(Math.abs(run.cost.buildsUsd - builds) < 1e-12, `builds ${run.cost.buildsUsd} vs ${builds}`);
  assert.ok(Math.abs(run.cost.totalUsd - (run.cost.tasksUsd + run.cost.buildsUsd)) < 1e-9);
  const listed = await r.store.listing.list({ by: 'commit', repo: 'acme/calculator', commit: r.commit });
  // Listings show the total as every view does: to a millionth of a cent.
  assert.equal(listed.runs.map((x) => [x.runId, x.status, x.costUsd]), [[r.runId, 'SUCCEEDED', viewUsd(run.cost.totalUsd)]]);
});

e2e('the table holds the run log, state, listings and the four built images', async () => {
  const items = await local.doc.send(new QueryCommand({
    TableName: r.store.ctx.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `RUN#${r.runId}` },
  }));
  const sks = (items.Items ?? []).map((i) => String(i['sk']));
  assert.equal(sks.filter((s) => !s.startsWith('EV#')), ['CHECK', 'LIST#branch', 'LIST#commit', 'LIST#repo', 'LIST#workflow', 'META', 'STATE']);
  const ids = sks.filter((s) => s.startsWith('EV#'));
  // Every ECS state change is stored once however often EventBridge delivered it.
  assert.is(ids.filter((s) => s.startsWith('EV#ecs:')).length, 20);
  assert.ok(r.ecsEventsDelivered > 20);
  assert.ok(ids.includes('EV#requested'));
  const run = ((await r.store.states.load(r.runId))!.state as StoredRun).run as RunState;
  for (const image of vecToArray(run.images)) {
    const item = await local.doc.send(new GetCommand({ TableName: r.store.ctx.tableName, Key: { pk: `IMAGE#${image.key}`, sk: 'IMAGE' } }));
    assert.equal(item.Item?.['uri'], `123456789012.dkr.ecr.us-east-1.amazonaws.com/hyperp:${image.key}`);
  }
  assert.is(vecToArray(run.images).length, 4);
});

e2e('the check run goes queued → in_progress → completed (success), sent again at most every 5 s of the run\'s time', async () => {
  const writes = r.gh.checkWrites;
  assert.equal(writes[0]!.kind, 'create');
  assert.equal(
    [writes[0]!.body['name'], writes[0]!.body['head_sha'], writes[0]!.body['external_id'], writes[0]!.body['details_url']],
    ['hyperp/calculator', r.commit, r.runId, `https://hyperp.example.com/runs/${r.runId}`],
  );
  assert.ok(writes.slice(1).every((w) => w.kind === 'update' && w.id === writes[0]!.id), 'one check run, updated');
  const phases = writes.map((w) => String(w.body['status']));
  assert.equal(phases.filter((p, i) => p !== phases[i - 1]), ['queued', 'in_progress', 'completed']);
  assert.equal(writes.at(-1)!.body['conclusion'], 'success');
  assert.is(r.gh.checkRuns.size, 1);
  // The installation grants checks: the check says it all, no commit status repeats it.
  assert.equal(r.statuses, []);
  const record = await r.store.checks.get(r.runId);
  assert.equal([record?.final, record?.checkRunId], [true, writes[0]!.id]);
  assert.equal(await r.store.checks.pending(10), []);
});

e2e('the final summary: every job with its tasks, duration and cost, the four images built and why, the total', async () => {
  const run = ((await r.store.states.load(r.runId))!.state as StoredRun).run as RunState;
  const final = [...r.gh.checkRuns.values()][0]!;
  assert.equal([final.status, final.conclusion, final.output.title], ['completed', 'success', `4 jobs succeeded · ${mdUsd(run.cost.totalUsd)}`]);
  const lines = final.output.summary!.split('\n');
  const cost = (job: string) => mdUsd(vecToArray(run.jobs).find((j) => j.name === job)!.costUsd);
  // Durations follow the harness's event order; the rest of each row is fixed.
  const rows = lines.filter((l) => l.startsWith('| ') && l.includes('succeeded')).map((l) => l.replace(/ \| \d+m \d\ds \| /, ' | (duration) | '));
  assert.equal(rows, [
    `| Generate x | ✅ succeeded | 1/1 | (duration) | ${cost('Generate x')} |`,
    `| x \\* y | ✅ succeeded | 2/2 | (duration) | ${cost('x * y')} |`,
    `| x / z | ✅ succeeded | 2/2 | (duration) | ${cost('x / z')} |`,
    `| \\(x \\* y\\) \\+ \\(x / z\\) | ✅ succeeded | 1/1 | (duration) | ${cost('(x * y) + (x / z)')} |`,
  ]);
  assert.ok(lines.includes('### Images: 4 built, 0 reused'), final.output.summary!);
  assert.is(lines.filter((l) => / \| built \| build: /.test(l)).length, 4);
  assert.ok(lines.includes(`**Total cost: ${mdUsd(run.cost.totalUsd)}** (tasks ${mdUsd(run.cost.tasksUsd)}, image builds ${mdUsd(run.cost.buildsUsd)}; Fargate on-demand prices, us-east-1)`), final.output.summary!);
  assert.equal(final.actions, []);
});

e2e('the AWS calls of the run, counted per command (docs/operations.md explains each)', () => {
  // 28 ECS deliveries (8 of them repeats) and the planner's and stepper's writes; the original
  // hyperp made 81 DynamoDB calls and 21 ECS calls for this push.
  assert.equal(r.calls.dynamodb, {
    PutItem: 39, // 28 ECS deliveries (8 refused as repeats), 2 zip results, 3 lone state versions, 6 check records (pending, then 5 reports)
    BatchGetItem: 1, // the planner: the stored images of the commit's keys
    Query: 5, // the planner: newest earlier image of each of 4 built images; the stepper: state and metadata once
    TransactWriteItems: 9, // 1 run request + metadata + build files; 8 state versions with results, image records or listing rows
    UpdateItem: 1, // the last outbox confirmed, whose commands returned nothing
    GetItem: 5, // the stepper: the files of each of 4 built images, to pack its context; the check record once
  });
  assert.equal(r.calls.ecs, {
    DescribeTaskDefinition: 1, RegisterTaskDefinition: 5, RunTask: 10, DeregisterTaskDefinition: 4, DeleteTaskDefinitions: 1,
  });
});

e2e.run();
