// Remote mode end to end: the CLI in-process, signing with SigV4, against the real API handler
// behind a Function URL stand-in that checks signatures, on DynamoDB Local (the run) and s3rver
// (the zips); CloudWatch Logs and Lambda (the EFS helper) are mocked with exact inputs.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { localLayout, runView } from '@hyperp/adapters-local';
import { apiHandler, dynamoStore, loadConfig, plannedRunId, type PlanRequest, type StoredRun, type Store } from '@hyperp/adapters-aws';
import { zipAttemptEventId } from '../../../adapters-aws/src/handlers/efs.js';
import {
  runCostBasis,
  runSummaryView,
  vecGet,
  vecToArray,
  viewUsd,
  type RunEvent,
  type RunRequested,
  type RunState,
} from '@hyperp/core';
import { downloadableKey, jobArtifactPath, logStreamName, logStreamPrefix } from '@hyperp/core/internal';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { getRunMeta, type RunMeta } from '../../../adapters-aws/src/run/meta.js';
import { planCalculator } from '../../../adapters-aws/test/support/calculator-request.js';
import { drive } from '../../../adapters-aws/test/support/drive.js';
import { startDynamoLocal, type LocalDynamo } from '../../../adapters-aws/test/support/dynamodb-local.js';
import { testEnv } from '../../../adapters-aws/test/support/env.js';
import { startS3Local, type LocalS3 } from '../../../adapters-aws/test/support/s3-local.js';
import type { CliContext } from '../../src/context.js';
import { apiClient } from '../../src/remote/client.js';
import { remoteLogs } from '../../src/remote/logs.js';
import { uiBackend } from '../../src/ui/backend.js';
import { localRunDetail } from '../../src/ui/run-detail.js';
import { hyperp } from '../run-cli.js';
import { startFunctionUrl, type FunctionUrl } from './function-url.js';

// No instance metadata lookups while the credential chain looks for credentials that are not there.
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[k];

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const NOW = T0 + 3_600_000;
const config = loadConfig(testEnv);
const logs = mockClient(CloudWatchLogsClient);
const lambda = mockClient(LambdaClient);
const ada = { accessKeyId: 'AKIAADA0000000000001', secretAccessKey: 'ada-secret-key', userArn: 'arn:aws:iam::123456789012:user/ada' };
const ZIP = Uint8Array.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]); // an empty zip
const planned: PlanRequest[] = [];
/**
 * The API's clock: NOW, except while the CLI starts runs — it sends its own clock's time as
 * `requestedAt`, which the API accepts within 15 minutes of its own.
 */
let apiNow = NOW;
/** The image tags the API asked the registry about, per request. */
const registryAsked: string[][] = [];
/** The API's answers to reruns, newest last. */
const reruns: { runId: string }[] = [];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let local: LocalDynamo;
let s3: LocalS3;
let store: Store;
let fn: FunctionUrl;
let runId: string;
let meta: RunMeta;
let work: string;
let env: Record<string, string>;

/**
 * The planner as the API invokes it for a manual run (synchronously): it starts the run the
 * request names at the commit of the calculator's run; `planned` keeps each request.
 */
const plannerStandIn = () =>
  lambda.on(InvokeCommand, { FunctionName: config.plannerFunctionName }).callsFake(async (input: { Payload: Uint8Array }) => {
    const request = JSON.parse(new TextDecoder().decode(input.Payload)) as PlanRequest & { kind: 'manual' };
    planned.push(request);
    const answer = { commit: meta.commit, runs: [{ runId: plannedRunId(request, request.workflow), workflow: request.workflow, appended: true }], problems: [], refused: [] };
    return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(answer)) };
  });

const state = async (id: string): Promise<RunState> => ((await store.states.load(id))!.state as StoredRun).run;
const cli = (args: string[], extra: Record<string, string | undefined> = {}) => hyperp(args, { cwd: work, env: { ...env, ...extra } });
const putZip = (job: string, bytes: Uint8Array) =>
  s3.s3.send(new PutObjectCommand({ Bucket: config.artifactsBucket, Key: downloadableKey({ commit: meta.commit, runId, workflow: 'calculator' }, job), Body: bytes }));

const r = suite('remote mode');
r.before(async () => {
  local = await startDynamoLocal();
  s3 = await startS3Local([config.artifactsBucket]);
  store = dynamoStore(local.doc, await local.createTable());
  let request: RunRequested;
  ({ runId, request } = await planCalculator(store, T0));
  meta = (await getRunMeta(store.ctx, runId))!;
  await (await drive(store, request, meta, T0)).toEnd();
  const api = apiHandler({
    store, config, lambda: new LambdaClient({ region: 'us-east-1' }), logs: new CloudWatchLogsClient({ region: 'us-east-1' }), secrets: new SecretsManagerClient({ region: 'us-east-1' }),
    presign: async (bucket, key, expiresIn) => ({
      url: await getSignedUrl(s3.s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn }), expiresInSeconds: expiresIn, expiresAt: apiNow + expiresIn * 1000,
    }),
    startPlanner: async (p) => void planned.push(p), now: () => apiNow,
    // ECR as the API asks it (production: BatchGetImage): every image is still there.
    imagesInRegistry: async (tags) => (registryAsked.push([...tags]), new Set(tags)),
  });
  fn = await startFunctionUrl(async (e) => {
    const answer = (await api(e)) as { body: string };
    if (e.rawPath.endsWith('/rerun')) reruns.push(JSON.parse(answer.body) as { runId: string });
    return answer;
  }, [ada], 'us-east-1');
  work = mkdtempSync(join(tmpdir(), 'hyperp-remote-'));
  env = { HYPERP_API_URL: fn.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: ada.accessKeyId, AWS_SECRET_ACCESS_KEY: ada.secretAccessKey };
});
r.after(async () => {
  logs.restore();
  lambda.restore();
  await fn.stop();
  await s3.stop();
  await local.stop();
  rmSync(work, { recursive: true, force: true });
});
r.before.each(() => {
  logs.reset();
  lambda.reset();
  fn.served.length = 0;
});

r('runs list: the repository\'s runs by filter, as the local listing prints them', async () => {
  const run = await state(runId);
  const row = {
    runId, workflow: 'calculator', commit: meta.commit, status: 'SUCCEEDED', costUsd: runSummaryView(run).costUsd,
    requestedAt: new Date(T0).toISOString(), repo: 'acme/calculator', branch: 'main', trigger: 'push',
  };
  assert.ok(row.costUsd > 0);
  const listed = await cli(['runs', 'list', '--repo', 'acme/calculator', '--branch', 'main', '--json']);
  assert.equal([listed.code, JSON.parse(listed.stdout), listed.stderr], [0, { runs: [row] }, '']);
  assert.equal(fn.served, [{ method: 'GET', path: '/runs?repo=acme%2Fcalculator&branch=main&limit=20', status: 200 }]);
  assert.equal(await cli(['runs', 'list', '--repo', 'acme/calculator']), {
    code: 0, stdout: `${runId}  SUCCEEDED  calculator  ${meta.commit.slice(0, 12)}  $${row.costUsd.toFixed(4)}\n`, stderr: '',
  });
  // names match exactly, as locally; a near miss is said with the names of the newest runs (it listed nothing)
  assert.equal(await cli(['runs', 'list', '--repo', 'acme/calculator', '--workflow', 'Calculator']), {
    code: 1, stdout: '', stderr: 'error: no workflow named "Calculator"; did you mean "calculator"? (workflows of the newest runs of acme/calculator: "calculator")\n',
  });
  assert.equal(await cli(['runs', 'list', '--repo', 'acme/calculator', '--workflow', 'calculator', '--branch', 'main']), {
    code: 2, stdout: '', stderr: 'error: the API lists by one of --workflow, --branch or --commit at a time, not --workflow and --branch\n',
  });
});

r('runs show --json: the local shape, with the EFS folders, log streams and what the API adds', async () => {
  const run = await state(runId);
  const containers: Record<string, string> = { 'Generate x': 'generate_x', 'x * y': 'multiply', 'x / z': 'divide', '(x * y) + (x / z)': 'add' };
  const jobs = vecToArray(run.jobs).map((j) => ({
    name: j.name, status: 'SUCCEEDED', attempts: vecToArray(j.tasks).length,
    outputDir: `/hyperp/${jobArtifactPath({ commit: meta.commit, runId, workflow: 'calculator' }, j.name)}`,
    costUsd: viewUsd(j.costUsd),
    tasks: vecToArray(j.tasks).map((t) => {
      const a = t.attempts[0]!;
      // The stand-in ECS reports each container started 50 s before its task stopped.
      return {
        index: t.index, attempt: 1, status: 'SUCCEEDED', exitCode: 0, durationSeconds: 50, costUsd: viewUsd(a.costUsd),
        logFile: logStreamName(logStreamPrefix(runId, 'calculator', j.name), containers[j.name]!, a.taskArn!), taskArn: a.taskArn,
      };
    }),
    reason: j.reason,
    downloadable: j.downloadable ? { status: 'READY', location: `s3://${config.artifactsBucket}/${downloadableKey({ commit: meta.commit, runId, workflow: 'calculator' }, j.name)}`, bytes: j.downloadable.bytes, reason: null } : null,
  }));
  assert.equal(jobs.map((j) => [j.name, j.tasks.length, j.downloadable !== null]), [
    ['Generate x', 1, false], ['x * y', 2, true], ['x / z', 2, true], ['(x * y) + (x / z)', 1, false],
  ]);
  const shown = await cli(['runs', 'show', runId, '--json']);
  assert.equal([shown.code, shown.stderr], [0, '']);
  assert.equal(JSON.parse(shown.stdout), {
    runId, workflow: 'calculator', commit: meta.commit, status: 'SUCCEEDED', costUsd: viewUsd(run.cost.totalUsd), jobs,
    repo: 'acme/calculator', branch: 'main', trigger: 'push', requestedAt: new Date(T0).toISOString(),
    finishedAt: new Date(run.finishedAt!).toISOString(), failure: null, logGroup: '/hyperp/tasks', cost: runCostBasis(run), ignoredEvents: 0, retries: [],
  });
  // The fields `runs show --json` prints for a local run are those a local run's view of this state has, with the same values but for where things are.
  type Shown = { jobs: { tasks: Record<string, unknown>[] }[] } & Record<string, unknown>;
  const local = runView(run, localLayout(work)) as unknown as Shown;
  const like = (v: Shown, as: Shown): Shown => ({
    ...Object.fromEntries(Object.keys(as).map((k) => [k, v[k]])),
    jobs: v.jobs.map((j, i) => ({
      ...Object.fromEntries(Object.keys(as.jobs[i]!).map((k) => [k, (j as Record<string, unknown>)[k]])), outputDir: '',
      tasks: j.tasks.map((t, n) => ({ ...Object.fromEntries(Object.keys(as.jobs[i]!.tasks[n]!).map((k) => [k, t[k]])), logFile: '' })),
    })),
  });
  assert.equal(like(JSON.parse(shown.stdout) as Shown, local), like(local, local));
  // `last` is the repository's newest run.
  assert.equal(JSON.parse((await cli(['runs', 'show', 'last', '--repo', 'acme/calculator', '--json'])).stdout).runId, runId);
  const text = await cli(['runs', 'show', runId]);
  assert.equal(text.stdout.split('\n').slice(0, 4), [
    `run ${runId}  calculator  SUCCEEDED`,
    `commit ${meta.commit.slice(0, 12)}   cost on Fargate $${viewUsd(run.cost.totalUsd).toFixed(6)}`,
    `  SUCCEEDED Generate x  $${jobs[0]!.costUsd.toFixed(6)}  1 task`,
    `      task 1 attempt 1: SUCCEEDED exit 0  50.0s  $${jobs[0]!.tasks[0]!.costUsd.toFixed(6)}`,
  ]);
  assert.equal(await cli(['runs', 'show', 'nope']), { code: 1, stdout: '', stderr: 'error: no run nope (HTTP 404 from the hyperp API)\n' });
});

r('cost RUN: the same report as for a local run, from the API\'s view', async () => {
  const run = await state(runId);
  const cost = await cli(['cost', runId, '--json']);
  const report = JSON.parse(cost.stdout) as { jobs: { name: string; costUsd: number; tasks: unknown[] }[] };
  assert.equal({ ...report, jobs: report.jobs.map((j) => [j.name, j.costUsd, j.tasks.length]) }, {
    runId, region: 'us-east-1', spot: false, final: true, totalUsd: viewUsd(run.cost.totalUsd), tasksUsd: viewUsd(run.cost.tasksUsd),
    buildsUsd: viewUsd(run.cost.buildsUsd), vcpuSeconds: run.cost.vcpuSeconds, gbSeconds: run.cost.gbSeconds,
    jobs: vecToArray(run.jobs).map((j) => [j.name, viewUsd(j.costUsd), vecToArray(j.tasks).length]),
  });
  const text = (await cli(['cost', runId])).stdout.split('\n');
  assert.equal([text[0], text.at(-3), text.at(-2)], [
    `run ${runId} (calculator) on Fargate us-east-1`, `  $${viewUsd(run.cost.buildsUsd).toFixed(6)}  image builds`, `  $${viewUsd(run.cost.totalUsd).toFixed(6)}  total`,
  ]);
});

r('hyperp ui: a deployment\'s run is drawn as a local run is, from the API\'s detail (edges, images, attempt times, critical path)', async () => {
  const run = await state(runId);
  const ui = uiBackend({ cwd: work, env, out: () => undefined, err: () => undefined, isTTY: false, signal: new AbortController().signal }, { repo: 'acme/calculator' });
  const drawn = await ui.run(runId);
  assert.equal(fn.served, [{ method: 'GET', path: `/runs/${encodeURIComponent(runId)}/detail`, status: 200 }]);
  // The same pure reading of the same state as a local run's page, with what the deployment recorded.
  const local = localRunDetail(run, undefined);
  assert.equal(drawn, JSON.parse(JSON.stringify({ ...local, runId, repo: 'acme/calculator', branch: 'main', trigger: 'push' })));
  assert.equal(drawn.jobs.map((j) => j.dependsOn), [[], ['Generate x'], ['Generate x'], ['x * y', 'x / z']]);
  assert.ok(drawn.detailed && drawn.images.length > 0 && drawn.jobs.some((j) => j.critical));
  assert.ok(drawn.jobs.every((j) => j.attempts.every((a) => a.runningAt !== null && a.stoppedAt !== null)), 'each attempt has its times: the timeline is drawn');
  // A missing run is the API's 404, not taken for an older deployment.
  assert.is(await ui.run('nope').then(() => null, (e: Error) => e.message), 'no run nope (HTTP 404 from the hyperp API)');
  await ui.close();
});

r('logs: every page of the task\'s stream, of the newest attempt or the one asked for', async () => {
  const run = await state(runId);
  const arn = vecGet(vecGet(run.jobs, 1)!.tasks, 1)!.attempts[0]!.taskArn!;
  const stream = logStreamName(logStreamPrefix(runId, 'calculator', 'x * y'), 'multiply', arn);
  const pages: Record<string, { events: { timestamp: number; message: string }[]; nextForwardToken: string }> = {
    '': { events: [{ timestamp: T0, message: 'x = 6' }], nextForwardToken: 'f/1' },
    'f/1': { events: [], nextForwardToken: 'f/2' }, // CloudWatch Logs may answer an empty page before more events
    'f/2': { events: [{ timestamp: T0 + 1, message: 'task 2 of 2: 6 * 7 = 42\n' }], nextForwardToken: 'f/3' },
    'f/3': { events: [], nextForwardToken: 'f/3' },
  };
  logs.on(GetLogEventsCommand).callsFake((input: { nextToken?: string }) => pages[input.nextToken ?? '']);
  for (const more of [[], ['--follow'], ['--attempt', '1']]) {
    logs.resetHistory();
    assert.equal(await cli(['logs', runId, 'x * y', '--index', '2', ...more]), { code: 0, stdout: 'x = 6\ntask 2 of 2: 6 * 7 = 42\n', stderr: '' });
    assert.equal(logs.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input), ['', 'f/1', 'f/2', 'f/3'].map((t) => ({
      logGroupName: '/hyperp/tasks', logStreamName: stream, startFromHead: true, ...(t ? { nextToken: t } : {}),
    })));
  }
  assert.equal(fn.served.at(-1)?.path, `/runs/${runId}/logs?job=x%20%2A%20y&index=2&attempt=1&nextToken=f%2F3`);
  assert.equal(await cli(['logs', runId, 'x * y', '--attempt', '2']), {
    code: 1, stdout: '', stderr: 'error: task 1 of job "x * y" has no attempt 2 (it has 1)\n',
  });
  assert.equal(await cli(['logs', runId, 'nope']), {
    code: 1, stdout: '', stderr: `error: run ${runId} has no job "nope" (jobs: "Generate x", "x * y", "x / z", "(x * y) + (x / z)")\n`,
  });
});

r('logs --follow waits for the task to start, then reads its stream until the attempt ends', async () => {
  // Planned against an empty image store, so the job waits for its builds: the stepper records
  // the images the first run built, and a plan against those would launch the task at once.
  const fresh = dynamoStore(local.doc, await local.createTable());
  const p = await planCalculator(fresh, T0 + 2000, 'd-follow');
  const driven = await drive(store, p.request, (await getRunMeta(fresh.ctx, p.runId))!, T0 + 2000);
  const pages = [{ events: [{ timestamp: T0, message: 'x = 6' }], nextForwardToken: 'f/1' }];
  logs.on(GetLogEventsCommand).callsFake(() => pages.shift() ?? { events: [], nextForwardToken: 'f/1' });
  let out = '';
  const ctx: CliContext = { cwd: work, env: {}, out: (t) => void (out += t), err: () => undefined, isTTY: false, signal: new AbortController().signal };
  const api = apiClient({ url: fn.url, region: 'us-east-1', credentials: async () => ada });
  const following = remoteLogs(ctx, api, p.runId, 'Generate x', { index: 1, follow: true, pollMs: 5 });
  const polls = () => fn.served.filter((s) => s.path === `/runs/${p.runId}`).length;
  for (let i = 0; i < 1000 && polls() < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(polls() >= 3, 'it asks for the run again while the task has not started');
  assert.equal(logs.commandCalls(GetLogEventsCommand), []);
  await driven.toEnd();
  assert.equal([await following, out], [0, 'x = 6\n']);
  const stream = logStreamName(logStreamPrefix(p.runId, 'calculator', 'Generate x'), 'generate_x', vecGet(vecGet((await state(p.runId)).jobs, 0)!.tasks, 0)!.attempts[0]!.taskArn!);
  const calls = logs.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input);
  assert.equal(calls[0], { logGroupName: '/hyperp/tasks', logStreamName: stream, startFromHead: true });
  assert.equal(calls.slice(1).map((i) => i.nextToken), calls.slice(1).map(() => 'f/1'));
});

r('artifacts download: a downloadable job\'s zip from S3; another job is zipped by the EFS helper first', async () => {
  await putZip('x * y', ZIP);
  const out = join(work, 'xy.zip');
  assert.equal(await cli(['artifacts', 'download', runId, 'x * y', '-o', 'xy.zip']), { code: 0, stdout: `${out} (${ZIP.length} bytes)\n`, stderr: '' });
  assert.equal(new Uint8Array(readFileSync(out)), ZIP);
  assert.equal(lambda.commandCalls(InvokeCommand), []);

  // The EFS helper runs asynchronously and logs its result a little later, as on AWS.
  const made = Uint8Array.from([...ZIP, 0]);
  lambda.on(InvokeCommand).callsFake(async (input: { Payload: Uint8Array }) => {
    const req = JSON.parse(new TextDecoder().decode(input.Payload)) as { job: string; attempt: number; bucket: string; objectKey: string };
    setTimeout(() => void (async () => {
      await putZip(req.job, made);
      await store.events.append({
        id: zipAttemptEventId(req.job, req.attempt, 'DownloadableReady'), runId, storedAt: new Date(apiNow).toISOString(),
        event: { _tag: 'DownloadableReady', at: apiNow, job: req.job, location: `s3://${req.bucket}/${req.objectKey}`, bytes: made.length },
      });
    })(), 300);
    return { StatusCode: 202 };
  });
  const gx = join(work, `Generate_x-${runId}.zip`);
  assert.equal(await cli(['artifacts', 'download', runId, 'Generate x'], { HYPERP_POLL_SECONDS: '0.1' }), {
    code: 0, stdout: `${gx} (${made.length} bytes)\n`, stderr: 'zipping "Generate x" on the deployment; waiting for it (at most 20 min, --wait to change)\n',
  });
  assert.equal(new Uint8Array(readFileSync(gx)), made);
  const scope = { commit: meta.commit, runId, workflow: 'calculator' };
  assert.equal(lambda.commandCalls(InvokeCommand).map((c) => [c.args[0].input.FunctionName, c.args[0].input.InvocationType, JSON.parse(new TextDecoder().decode(c.args[0].input.Payload as Uint8Array))]), [[
    'hyperp-efs', 'Event',
    { op: 'zip', runId, job: 'Generate x', sourcePath: jobArtifactPath(scope, 'Generate x'), bucket: config.artifactsBucket, objectKey: downloadableKey(scope, 'Generate x'), appendEvent: true, attempt: 1 },
  ]]);

  // A zip that takes longer than --wait: the CLI stops waiting with a clear message; the zip goes on.
  lambda.reset();
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  const slow = await cli(['artifacts', 'download', runId, '(x * y) + (x / z)', '--wait', '0.005'], { HYPERP_POLL_SECONDS: '0.1' });
  assert.equal([slow.code, slow.stdout], [1, '']);
  assert.match(slow.stderr, /^zipping "\(x \* y\) \+ \(x \/ z\)" on the deployment; waiting for it \(at most 0 min, --wait to change\)\nerror: the zip of "\(x \* y\) \+ \(x \/ z\)" is still being made on the deployment \(started [0-9T:.Z-]+\); it goes on: run the same command again later to download it\n$/);
  assert.is(lambda.commandCalls(InvokeCommand).length, 1);
});

r('cancel: a finished run is refused with the API\'s reason; an active run gets the request, by the signer', async () => {
  assert.equal(await cli(['cancel', runId]), { code: 1, stdout: '', stderr: `error: run ${runId} has already ended SUCCEEDED (HTTP 409 from the hyperp API)\n` });
  const other = await planCalculator(store, T0 + 1000, 'd-other');
  const driven = await drive(store, other.request, (await getRunMeta(store.ctx, other.runId))!, T0 + 1000);
  assert.equal(await cli(['cancel', other.runId]), {
    code: 0, stdout: `cancel requested; hyperp is stopping run ${other.runId} (hyperp runs show ${other.runId} shows its end)\n`, stderr: '',
  });
  const cancels = (await store.events.list(other.runId)).filter((e) => e.id.startsWith('api:cancel:'));
  assert.equal(cancels.map((e) => e.event), [{ _tag: 'CancelRequested', at: NOW, reason: 'requested with hyperp cancel', by: ada.userArn }]);
  // Once the deployment folds the request, `runs show` says why each job was cancelled or skipped, as it does locally.
  await driven.step(cancels.map((e) => e.event as RunEvent));
  const reasons = vecToArray((await state(other.runId)).jobs).map((j) => j.reason);
  assert.equal(reasons.filter((why) => why !== 'cancelled: requested with hyperp cancel'), []);
  const shown = await cli(['runs', 'show', other.runId]);
  const jobLines = shown.stdout.split('\n').filter((l) => /^  [A-Z]/.test(l));
  assert.equal(jobLines.length, reasons.length);
  assert.equal(jobLines.filter((l) => !l.endsWith('  — cancelled: requested with hyperp cancel')), []);
  // A job that ran nothing has nothing to download: said with why, and no file is written (the API's 409 said only "SKIPPED")
  const last = '(x * y) + (x / z)';
  assert.equal(await cli(['artifacts', 'download', other.runId, last, '-o', 'skipped.zip']), {
    code: 1, stdout: '', stderr: `error: job "${last}" has no output to download: SKIPPED, cancelled: requested with hyperp cancel\n`,
  });
  assert.is(existsSync(join(work, 'skipped.zip')), false);
  // artifacts list: each job's zip as the deployment has it
  const listed = JSON.parse((await cli(['artifacts', 'list', runId, '--json'])).stdout) as { runId: string; jobs: { name: string; download: string; files: null }[] };
  assert.equal([listed.runId, listed.jobs.map((j) => [j.name, j.download, j.files])], [runId, [
    ['Generate x', 'on-demand', null], ['x * y', 'zip', null], ['x / z', 'zip', null], [last, 'on-demand', null],
  ]]);
});

r('rerun: --failed of a run whose jobs all succeeded is refused, naming why; without it, everything runs again', async () => {
  const refused = await cli(['rerun', runId, '--failed', '--json']);
  assert.equal([refused.code, refused.stdout], [1, '']);
  assert.match(refused.stderr, `nothing to rerun: every job of run ${runId} succeeded`);
  registryAsked.length = 0;
  const res = await cli(['rerun', runId, '--json']);
  assert.equal([res.code, res.stderr], [0, '']);
  const answer = JSON.parse(res.stdout) as { runId: string; from: string; reused: string[] };
  assert.equal(answer, { runId: answer.runId, from: runId, reused: [] });
  const requested = (await store.events.list(answer.runId))[0]!.event as RunRequested;
  assert.equal([requested.trigger, requested.reuse], [{ kind: 'rerun', fromRunId: runId, failedOnly: false }, []]);
  // The registry was asked about each image of the run's plan, once.
  const keys = [...new Set((await state(runId)).request!.plan.jobs.flatMap((j) => j.images.map((i) => i.key)))];
  assert.equal(registryAsked.map((tags) => tags.length), [keys.length]);
});

r('run --remote: a manual run of a branch goes to the planner, from the signer, and is answered with its run id', async () => {
  apiNow = Date.now();
  plannerStandIn();
  const res = await cli(['run', '--remote', '--workflow', 'calculator', '--branch', 'main', '--repo', 'acme/calculator', '--json']);
  assert.equal([res.code, res.stderr], [0, '']);
  const answer = JSON.parse(res.stdout) as { requestId: string; runId: string };
  assert.match(answer.requestId, /^[0-9a-f-]{36}$/);
  const request = planned.at(-1)!;
  const sentAt = request.kind === 'manual' ? request.receivedAt : NaN;
  assert.ok(sentAt >= apiNow && sentAt <= Date.now(), 'the request carries the time the CLI sent it');
  assert.equal(planned, [{
    kind: 'manual', repo: 'acme/calculator', branch: 'main', workflow: 'calculator', commit: null, installationId: 77,
    requestedBy: ada.userArn, requestId: answer.requestId, receivedAt: (request as { receivedAt: number }).receivedAt,
  }]);
  // The id the planner gives the run it starts for this request.
  assert.equal(answer, {
    accepted: true, runId: plannedRunId(request, 'calculator'), repo: 'acme/calculator', branch: 'main', workflow: 'calculator', commit: meta.commit, requestId: answer.requestId,
  });
  const text = await cli(['run', '--remote', '--workflow', 'calculator', '--branch', 'main', '--repo', 'acme/calculator']);
  const textRun = plannedRunId(planned.at(-1)!, 'calculator');
  assert.equal(text, {
    code: 0, stderr: '',
    stdout: `run ${textRun}: calculator on acme/calculator main at ${meta.commit.slice(0, 12)}\nfollow it: hyperp runs show ${textRun} (or run again with --wait)\n`,
  });
  assert.equal(await cli(['run', '--remote', '--workflow', 'calculator', '--repo', 'acme/calculator']), {
    code: 2, stdout: '', stderr: 'error: run --remote needs --branch (the branch whose head, or --commit, runs)\n',
  });
  apiNow = NOW;
});

r('a wrong secret or an unknown key is refused with a 403 before the API runs; missing credentials say how to set them', async () => {
  const wrong = await cli(['runs', 'show', runId], { AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
  assert.equal(wrong, {
    code: 1, stdout: '',
    stderr: 'error: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. '
      + '(HTTP 403 from the hyperp API; the caller may not invoke the API\'s function URL: attach the deployment\'s `cliUserPolicyArn` policy to your user or role (docs/deploy.md))\n',
  });
  const unknown = await cli(['runs', 'show', runId], { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN000000000' });
  assert.match(unknown.stderr, /^error: The security token included in the request is invalid\. \(HTTP 403/);
  assert.equal(fn.served, [{ method: 'GET', path: `/runs/${runId}`, status: 403 }, { method: 'GET', path: `/runs/${runId}`, status: 403 }]);
  const none = await cli(['runs', 'show', runId], {
    AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-credentials'), AWS_CONFIG_FILE: join(work, 'no-config'),
  });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^error: no AWS credentials found to sign requests to the hyperp API: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE .*`cliUserPolicyArn`/);
  assert.equal(fn.served.length, 2, 'nothing unsigned was sent');
});

r('configuration: --local overrides HYPERP_API_URL; a bad URL or an unknown Region is said plainly', async () => {
  assert.equal(await cli(['runs', 'list', '--local', '--repo', work]), { code: 0, stdout: `no runs under ${join(work, '.hyperp')}\n`, stderr: '' });
  assert.equal(await cli(['runs', 'list', '--api', 'http://example.com/']), {
    code: 2, stdout: '', stderr: 'error: the API URL must use https (http only on this machine), not "http://example.com/"\n',
  });
  assert.equal(await cli(['runs', 'list', '--repo', 'acme/calculator'], { AWS_REGION: undefined }), {
    code: 1, stdout: '', stderr: `error: the API's AWS Region is unknown: set AWS_REGION or pass --region (the URL ${new URL(fn.url).host} does not name one)\n`,
  });
  assert.equal(fn.served, []);
});

r('runs list --limit N: the repository\'s newest N runs, printed oldest first', async () => {
  const listed = await cli(['runs', 'list', '--repo', 'acme/calculator', '--limit', '2', '--json']);
  const rows = (JSON.parse(listed.stdout) as { runs: { runId: string; requestedAt: string }[] }).runs;
  assert.equal(rows.map((x) => x.requestedAt), [new Date(T0 + 1000).toISOString(), new Date(T0 + 2000).toISOString()]);
  assert.equal(fn.served, [{ method: 'GET', path: '/runs?repo=acme%2Fcalculator&limit=2', status: 200 }]);
  assert.equal((await cli(['runs', 'list', '--repo', 'acme/calculator', '--limit', '0'])).stderr, 'error: --limit must be a whole number of 1 or more, not "0"\n');
});

r('rerun --wait: waits through the new run (unreadable until folded) to its end and prints it as a local rerun does', async () => {
  for (const json of [true, false]) {
    const before = reruns.length;
    const waiting = cli(['rerun', runId, '--wait', ...(json ? ['--json'] : [])], { HYPERP_POLL_SECONDS: '0.01' });
    for (let i = 0; i < 1000 && reruns.length === before; i++) await pause(5);
    const newRun = reruns[before]!.runId;
    const unread = () => fn.served.filter((x) => x.path === `/runs/${newRun}` && x.status === 404).length;
    for (let i = 0; i < 1000 && unread() < 2; i++) await pause(5);
    assert.ok(unread() >= 2, 'it waits while the run is not readable');
    const request = (await store.events.list(newRun))[0]!.event as RunRequested;
    await (await drive(store, request, (await getRunMeta(store.ctx, newRun))!, NOW)).toEnd();
    const res = await waiting;
    const names = ['Generate x', 'x * y', 'x / z', '(x * y) + (x / z)'];
    if (json) {
      const shown = JSON.parse(res.stdout) as { runs: { runId: string; status: string; trigger: string; jobs: { name: string; status: string; attempts: number }[] }[] };
      assert.equal([res.code, res.stderr], [0, '']);
      // Every job runs again (the fake ECS of `drive` fails some first attempts, which are retried).
      assert.equal(shown.runs.map((x) => [x.runId, x.status, x.trigger, x.jobs.map((j) => [j.name, j.status, j.attempts > 0])]), [
        [newRun, 'SUCCEEDED', 'rerun', names.map((n) => [n, 'SUCCEEDED', true])],
      ]);
    } else {
      assert.equal([res.code, res.stdout.split('\n')[0]], [0, `run ${newRun}  calculator  SUCCEEDED`]);
      const lines = res.stderr.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''));
      // The jobs run again, so their progress is shown as it comes; the header and the end are fixed.
      assert.equal([lines[0], lines.slice(-2)], [`run ${newRun}: rerun of ${runId}: running 4 jobs`, [`run ${newRun} (calculator): SUCCEEDED`, '']]);
      for (const n of names) assert.ok(lines.includes(`  job "${n}": SUCCEEDED`), `job ${n} is shown SUCCEEDED`);
    }
  }
});

r('run --remote --wait: follows the run it started, unreadable until planned, to its end', async () => {
  apiNow = Date.now();
  plannerStandIn();
  for (const json of [false, true]) {
    const before = planned.length;
    const waiting = cli(['run', '--remote', '--workflow', 'calculator', '--branch', 'main', '--repo', 'acme/calculator', '--wait', ...(json ? ['--json'] : [])], { HYPERP_POLL_SECONDS: '0.01' });
    for (let i = 0; i < 1000 && planned.length === before; i++) await pause(5);
    const request = planned[before]!;
    const newRun = plannedRunId(request, 'calculator');
    const unread = () => fn.served.filter((x) => x.path === `/runs/${newRun}` && x.status === 404).length;
    for (let i = 0; i < 1000 && unread() < 2; i++) await pause(5);
    assert.ok(unread() >= 2, 'it waits while the run is not planned');
    // The planner's part: the calculator's request under the id the API answered with.
    const { request: calc } = await planCalculator(dynamoStore(local.doc, await local.createTable()), NOW);
    const manual: RunRequested = { ...calc, runId: newRun, trigger: { kind: 'manual', requestedBy: ada.userArn } };
    await (await drive(store, manual, { ...meta, runId: newRun, trigger: 'manual' }, NOW)).toEnd();
    const res = await waiting;
    const names = ['Generate x', 'x * y', 'x / z', '(x * y) + (x / z)'];
    if (json) {
      const shown = JSON.parse(res.stdout) as { runs: { runId: string; status: string; jobs: { name: string; status: string }[] }[] };
      assert.equal([res.code, res.stderr], [0, '']);
      assert.equal(shown.runs.map((x) => [x.runId, x.status, x.jobs.map((j) => [j.name, j.status])]), [[newRun, 'SUCCEEDED', names.map((n) => [n, 'SUCCEEDED'])]]);
    } else {
      assert.equal([res.code, res.stdout.split('\n')[0]], [0, `run ${newRun}  calculator  SUCCEEDED`]);
      // What it saw while polling depends on timing; how it starts and ends does not.
      const lines = res.stderr.split('\n').map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''));
      const lastOf = (prefix: string) => lines.filter((l) => l.startsWith(prefix)).at(-1);
      assert.equal([lines[0], ...names.map((n) => lastOf(`  job "${n}": `)), lines.at(-2), lines.at(-1)], [
        `run ${newRun}: calculator on acme/calculator main at ${meta.commit.slice(0, 12)}`, ...names.map((n) => `  job "${n}": SUCCEEDED`),
        `run ${newRun} (calculator): SUCCEEDED`, '',
      ]);
    }
  }
  apiNow = NOW;
});

r.run();
