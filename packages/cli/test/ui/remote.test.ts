// `hyperp ui` against a deployment: the server asks the API as the CLI's remote mode does — each
// request SigV4-signed with the user's credentials, checked by a Function URL stand-in — shows
// its runs, follows a run by polling, and sends a cancel with a request id.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import type { ApiRunView } from '@hyperp/core/internal';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startUiServer, type UiServer } from '../../src/ui/server.js';
import { startFunctionUrl, type FunctionUrl } from '../remote/function-url.js';
import { readEvents } from './sse.js';

process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[k];

const ada = { accessKeyId: 'AKIAADA0000000000001', secretAccessKey: 'ada-secret-key', userArn: 'arn:aws:iam::123456789012:user/ada' };
const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const task = (index: number, status: string, exitCode: number | null) => ({
  index, attempt: 1, status, exitCode, durationSeconds: exitCode === null ? null : 50, costUsd: 0.000206, logFile: `tasks/${index}`, taskArn: `arn:aws:ecs:us-east-1:123456789012:task/hyperp/${index}`,
});
const runOf = (status: 'RUNNING' | 'SUCCEEDED'): ApiRunView => ({
  runId: 'r1', workflow: 'calculator', commit: '901fff7b3fea0000000000000000000000000000', status, costUsd: 0.000617, retries: [],
  repo: 'acme/calculator', branch: 'main', trigger: 'push', requestedAt: new Date(T0).toISOString(),
  finishedAt: status === 'SUCCEEDED' ? new Date(T0 + 120_000).toISOString() : null, failure: null, logGroup: '/hyperp/tasks', ignoredEvents: 0,
  cost: { region: 'us-east-1', spot: false, final: status === 'SUCCEEDED', tasksUsd: 0.000617, buildsUsd: 0, vcpuSeconds: 45, gbSeconds: 90 },
  jobs: [
    { name: 'Generate x', status: 'SUCCEEDED', attempts: 1, outputDir: '/efs/x', costUsd: 0.000206, reason: null, downloadable: null, tasks: [task(1, 'SUCCEEDED', 0)] },
    { name: 'x * y', status, attempts: 2, outputDir: '/efs/xy', costUsd: 0.000411, reason: null, downloadable: null, tasks: [task(1, 'SUCCEEDED', 0), task(2, status, status === 'RUNNING' ? null : 0)] },
  ],
});

let current = runOf('RUNNING');
const cancels: unknown[] = [];
const web = mkdtempSync(join(tmpdir(), 'hyperp-ui-web-'));
writeFileSync(join(web, 'index.html'), '<!doctype html><title>hyperp</title>');
let fn: FunctionUrl;
let server: UiServer;
let token = '';

const handler = async (e: LambdaFunctionURLEvent) => {
  const route = `${e.requestContext.http.method} ${e.rawPath}`;
  const json = (body: unknown, statusCode = 200) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (route === 'GET /runs') {
    return json({ runs: [{ runId: 'r1', repo: 'acme/calculator', workflow: 'calculator', branch: 'main', commit: current.commit, trigger: 'push', status: current.status, requestedAt: current.requestedAt, costUsd: current.costUsd }] });
  }
  if (route === 'GET /runs/r1') return json(current);
  if (route === 'POST /runs/r1/cancel') {
    cancels.push(JSON.parse(e.body ?? '{}'));
    return json({ runId: 'r1', cancel: 'appended' });
  }
  return json({ error: `no route ${route}` }, 404);
};

const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/${path}`, { ...init, headers: { 'X-Hyperp-Token': token, ...init.headers } });
  assert.is(res.status, 200, path);
  return (await res.json()) as T;
};

test.before(async () => {
  fn = await startFunctionUrl(handler, [ada], 'us-east-1');
  const env = { HYPERP_UI_DIR: web, HYPERP_API_URL: fn.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: ada.accessKeyId, AWS_SECRET_ACCESS_KEY: ada.secretAccessKey, HYPERP_POLL_SECONDS: '0.1' };
  server = await startUiServer({ cwd: web, env, out: () => undefined, err: () => undefined, isTTY: false, signal: new AbortController().signal }, { repo: 'acme/calculator', port: 0 });
  token = new URL(server.url).hash.replace('#token=', '');
});
test.after(async () => {
  await server.close();
  await fn.stop();
  rmSync(web, { recursive: true, force: true });
});

test('the runs and a run come from the deployment\'s API, every request signed (the stand-in refuses any other)', async () => {
  assert.equal(await api('info'), { mode: 'remote', where: fn.url });
  const runs = await api<{ runs: { runId: string; status: string; branch: string }[] }>('runs');
  assert.equal(runs.runs.map((r) => [r.runId, r.status, r.branch]), [['r1', 'RUNNING', 'main']]);
  const run = await api<{ detailed: boolean; undetailed: string; status: string; jobs: { name: string; status: string; counts: unknown; dependsOn: string[] }[] }>('run?id=r1');
  // This stand-in is a deployment from before the detail route: its run view alone, and the page is told why.
  assert.equal([run.detailed, run.undetailed], [false, 'the deployment\'s API is older than this CLI and gives no edges, images or times (hyperp deploy updates it)']);
  assert.equal(run.jobs.map((j) => [j.name, j.status, j.counts]), [
    ['Generate x', 'SUCCEEDED', { done: 1, failed: 0, running: 0, waiting: 0 }],
    ['x * y', 'RUNNING', { done: 1, failed: 0, running: 1, waiting: 0 }],
  ]);
  assert.ok(fn.served.length >= 2);
  assert.equal(fn.served.filter((s) => s.status !== 200), [{ method: 'GET', path: '/runs/r1/detail', status: 404 }]);
});

test('a run is followed by polling the API: its stream sends the change', async () => {
  // The deployment's run changes after the stream sent it once.
  const statuses = (await readEvents<{ status: string }>(`http://127.0.0.1:${server.port}/api/stream/run?id=r1&token=${token}`, (seen) => {
    if (seen.length === 1) current = runOf('SUCCEEDED');
    return seen.some((r) => r.status === 'SUCCEEDED');
  })).map((r) => r.status);
  assert.equal(statuses, ['RUNNING', 'SUCCEEDED']);
});

test('cancel goes to the API with a fresh request id and the CLI\'s reason', async () => {
  const answer = await api<{ message: string }>('cancel', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ id: 'r1' }) });
  assert.is(answer.message, 'cancel requested; hyperp is stopping run r1 (hyperp runs show r1 shows its end)');
  assert.is(cancels.length, 1);
  const [c] = cancels as { requestId: string; reason: string }[];
  assert.match(c!.requestId, /^[0-9a-f-]{36}$/);
  assert.is(c!.reason, 'requested with hyperp cancel');
});

test.run();
