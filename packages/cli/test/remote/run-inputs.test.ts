// hyperp run --remote with inputs: the API invokes the real planner synchronously (over a GitHub
// stand-in serving a git repository, and DynamoDB Local), so inputs the workflow refuses reach
// the person at the prompt, each named, and no run starts; inputs it takes start the run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { RunRequested } from '@hyperp/core';
import { apiHandler, dynamoStore, loadConfig, planner, type PlanRequest, type Store } from '@hyperp/adapters-aws';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { installationClient } from '../../../adapters-aws/src/github/app-client.js';
import { startDynamoLocal, type LocalDynamo } from '../../../adapters-aws/test/support/dynamodb-local.js';
import { testEnv } from '../../../adapters-aws/test/support/env.js';
import { gitRepoFrom, type GitRepo } from '../../../adapters-aws/test/support/git-repo.js';
import { startGitHubFake, type GitHubFake } from '../../../adapters-aws/test/support/github-server.js';
import { hyperp } from '../run-cli.js';
import { startFunctionUrl, type FunctionUrl } from './function-url.js';

process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[k];

const config = loadConfig(testEnv);
const lambda = mockClient(LambdaClient);
const ada = { accessKeyId: 'AKIAADA0000000000001', secretAccessKey: 'ada-secret-key', userArn: 'arn:aws:iam::123456789012:user/ada' };
const fixture = new URL('../../../../fixtures/calculator', import.meta.url).pathname;
let local: LocalDynamo;
let store: Store;
let repo: GitRepo;
let gh: GitHubFake;
let fn: FunctionUrl;
let work: string;
let env: Record<string, string>;
let commit: string;

const cli = (args: string[]) => hyperp(args, { cwd: work, env });
const START = ['run', '--remote', '--workflow', 'calculator', '--branch', 'main', '--repo', 'acme/calculator'];

const r = suite('run --remote with inputs');
r.before(async () => {
  local = await startDynamoLocal();
  store = dynamoStore(local.doc, await local.createTable());
  repo = gitRepoFrom(fixture);
  const before = repo.git('rev-parse', 'HEAD');
  const yaml = join(repo.dir, 'hyperp-workflows', 'calculator.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('jobs:', [
    'inputs:', '  - name: x', '    type: number', '    required: true', '  - name: note', '    default: none', 'jobs:',
  ].join('\n')));
  commit = repo.commit('inputs');
  gh = await startGitHubFake(repo);
  const plan = planner({
    store, config, now: Date.now, log: () => undefined, imagesInRegistry: async () => new Set(),
    github: (id) => installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, id),
  });
  // The planner function, as Lambda runs it for a synchronous invocation: its result, or its error as a function error.
  lambda.on(InvokeCommand, { FunctionName: config.plannerFunctionName, InvocationType: 'RequestResponse' }).callsFake(async (input: { Payload: Uint8Array }) => {
    const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    try {
      return { StatusCode: 200, Payload: encode(await plan(JSON.parse(new TextDecoder().decode(input.Payload)) as PlanRequest)) };
    } catch (e) {
      return { StatusCode: 200, FunctionError: 'Unhandled', Payload: encode({ errorType: (e as Error).name, errorMessage: (e as Error).message }) };
    }
  });
  // A push of the commit before: the API finds the repository's installation through its latest run.
  const pushed = await plan({ kind: 'push', repo: 'acme/calculator', branch: 'main', commit: before, installationId: 77, deliveryId: 'd-1', sender: null, receivedAt: Date.now() });
  const at = new Date().toISOString();
  // Listed as the stepper lists a run it folded.
  await store.listing.put({
    runId: pushed.runs[0]!.runId, workflow: 'calculator', commit: before, status: 'RUNNING', costUsd: 0, requestedAt: at,
    repo: 'acme/calculator', branch: 'main', trigger: 'push', updatedAt: at, version: 1,
  }, false);
  const api = apiHandler({
    store, config, lambda: new LambdaClient({ region: 'us-east-1' }), logs: new CloudWatchLogsClient({ region: 'us-east-1' }),
    secrets: new SecretsManagerClient({ region: 'us-east-1' }), presign: async () => assert.unreachable('presigned') as never,
    startPlanner: async () => assert.unreachable('planned asynchronously'), now: Date.now, remainingMs: () => 300_000,
  });
  fn = await startFunctionUrl(async (e) => (await api(e)) as { statusCode: number; body: string }, [ada], 'us-east-1');
  work = mkdtempSync(join(tmpdir(), 'hyperp-run-inputs-'));
  env = { HYPERP_API_URL: fn.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: ada.accessKeyId, AWS_SECRET_ACCESS_KEY: ada.secretAccessKey };
});
r.after(async () => {
  lambda.restore();
  await fn.stop();
  await gh.close();
  repo.remove();
  await local.stop();
  rmSync(work, { recursive: true, force: true });
});
r.before.each(() => {
  fn.served.length = 0;
});

r('inputs the workflow refuses are printed, each named, exit 1; no run starts, nothing is waited for, the commit is not marked', async () => {
  const statuses = gh.statuses.length;
  for (const wait of [[], ['--wait']]) {
    fn.served.length = 0;
    assert.equal(await cli([...START, '--input', 'x=two', '--input', 'y=1', ...wait]), {
      code: 1, stdout: '',
      stderr: `error: workflow "calculator" was not started on acme/calculator@${commit.slice(0, 12)}: 2 problems (HTTP 422 from the hyperp API)\n`
        + '  the workflow declares no input "y"; it takes x, note\n'
        + '  input "x" must be a number, not "two"\n',
    });
    // Asked once (a refusal is not retried), and no run was looked for.
    assert.equal(fn.served, [{ method: 'POST', path: '/runs', status: 422 }]);
  }
  assert.equal(await cli(START), {
    code: 1, stdout: '', stderr: `error: workflow "calculator" was not started on acme/calculator@${commit.slice(0, 12)}: input "x" is required (a number) (HTTP 422 from the hyperp API)\n`,
  });
  assert.equal((await store.listing.list({ by: 'repo', repo: 'acme/calculator' })).runs.map((x) => x.trigger), ['push']);
  assert.equal(gh.statuses.slice(statuses), []);
});

r('inputs it takes start the run at once, typed, defaults filled in', async () => {
  const res = await cli([...START, '--input', 'x=2.5', '--json']);
  assert.equal([res.code, res.stderr], [0, '']);
  const answer = JSON.parse(res.stdout) as { runId: string; commit: string };
  assert.is(answer.commit, commit);
  const requested = (await store.events.list(answer.runId))[0]!.event as RunRequested;
  assert.equal([requested.trigger, requested.inputs], [{ kind: 'manual', requestedBy: ada.userArn }, { x: 2.5, note: 'none' }]);
});

r.run();
