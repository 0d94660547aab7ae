// The check-run reporter against DynamoDB Local and the GitHub stand-in (which judges every
// request by GitHub's REST description): GitHub's failures (a secondary rate limit, a 502, a
// crash between creating the check run and recording its id) never reach the run, and the sweep
// sends what they lost; an installation without `checks: write` keeps its commit statuses. A
// failed job's last lines are posted with its secrets masked, or not at all.
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetSecretValueCommand, SecretsManagerClient, type GetSecretValueCommandInput } from '@aws-sdk/client-secrets-manager';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { initialState, reduce, vecToArray, type RunState } from '@hyperp/core';
import { logStreamName, logStreamPrefix } from '@hyperp/core/internal';
import { simulate, syntheticRunRequested } from '@hyperp/core/sim';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config.js';
import { grantsChecks, installationClient } from '../src/github/app-client.js';
import { GitHubError } from '../src/github/repo-reader.js';
import { interpreter } from '../src/interpret/interpreter.js';
import { checkReporter } from '../src/report/check-reporter.js';
import { reportPendingChecks } from '../src/report/check-sweep.js';
import type { RunMeta } from '../src/run/meta.js';
import { secretMasks } from '../src/secrets/run-mask.js';
import { CHECK_SK } from '../src/store/checks.js';
import { dynamoStore, type Store } from '../src/store/store.js';
import { runPk } from '../src/store/table.js';
import { awsError } from './support/aws-faults.js';
import { CALCULATOR } from './support/calculator-request.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { testEnv } from './support/env.js';
import { gitRepoFrom, type GitRepo } from './support/git-repo.js';
import { startGitHubFake, type GitHubFake } from './support/github-server.js';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const LOG_GROUP = '/hyperp/tasks';
let local: LocalDynamo;
let repo: GitRepo;
let gh: GitHubFake;
const logs = mockClient(CloudWatchLogsClient);
const sm = mockClient(SecretsManagerClient);
const PREFIX = loadConfig(testEnv).familyPrefix;

const request = (runId: string) => syntheticRunRequested({ name: 'solo', jobs: [{ name: 'a', imageAction: 'reuse' }] }, { runId, at: T0, commit: repo.git('rev-parse', 'HEAD') });
const planned = (runId: string): RunState => reduce(initialState(), request(runId))[0];
const failed = (runId: string, secrets: readonly string[] = []): RunState => {
  const r = request(runId);
  const declared = { ...r, workflow: { ...r.workflow, jobs: r.workflow.jobs.map((j) => ({ ...j, secrets: secrets.map((name) => ({ name })) })) } };
  return simulate({ seed: 1, request: declared, model: { startLatencyMs: 1000, buildMs: () => 1000, task: () => ({ durationMs: 5000, exitCode: 2 }) } }).state;
};
const metaOf = (runId: string): RunMeta => ({ runId, repo: 'acme/calculator', installationId: 77, branch: 'main', commit: repo.git('rev-parse', 'HEAD'), workflow: 'solo', trigger: 'push' });

const world = (store: Store, clock = { now: T0 }) => {
  const lines: string[] = [];
  const github = (id: number) => installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, id);
  const reporter = checkReporter({
    github, usesChecks: (id) => grantsChecks(github(id)), records: store.checks,
    logs: {
      client: new CloudWatchLogsClient({ region: 'us-east-1' }), logGroup: LOG_GROUP,
      masks: secretMasks(new SecretsManagerClient({ region: 'us-east-1' }), PREFIX, () => clock.now),
    },
    detailsUrl: () => null, now: () => clock.now, log: (m) => void lines.push(m),
  });
  return { reporter, lines, github, clock };
};

const r = suite('check runs when GitHub fails');
r.before(async () => {
  local = await startDynamoLocal();
  repo = gitRepoFrom(CALCULATOR);
  gh = await startGitHubFake(repo);
});
r.after(async () => {
  logs.restore();
  sm.restore();
  repo.remove();
  await gh.close();
  await local.stop();
});

r('a secondary rate limit (403 with retry-after) on the first report is logged, not thrown; the sweep sends the run as it is then', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const w = world(store);
  gh.faults.checkWrites = { kind: 'rateLimit', times: 1 };
  await w.reporter.report(metaOf('rl-1'), planned('rl-1'));
  assert.equal([...gh.checkRuns.values()].filter((c) => c.external_id === 'rl-1'), []);
  assert.ok(w.lines.includes('the check run was not sent; the next step or the sweep sends it'));
  assert.equal(await store.checks.pending(10), ['rl-1']);

  // The run went on (and ended) while GitHub refused; the sweep sends the final state once.
  const ended = failed('rl-1');
  await store.states.save({ runId: 'rl-1', version: 1, outbox: [], outboxDone: true, status: ended.status, updatedAt: 't', state: { run: ended, meta: metaOf('rl-1') } });
  logs.on(GetLogEventsCommand).resolves({ events: [] });
  assert.is(await reportPendingChecks({ store, reporter: world(store).reporter, log: () => undefined }), 1);
  const runs = [...gh.checkRuns.values()].filter((c) => c.external_id === 'rl-1');
  assert.equal(runs.map((c) => [c.name, c.status, c.conclusion]), [['hyperp/solo', 'completed', 'failure']]);
  assert.equal(await store.checks.pending(10), []);
  // Nothing left to send: a second sweep writes nothing.
  const writes = gh.checkWrites.length;
  await reportPendingChecks({ store, reporter: world(store).reporter, log: () => undefined });
  assert.is(gh.checkWrites.length, writes);
});

r('a 502 on an update is retried by the next report; the final one carries the failure, the failed job\'s last log lines and a re-run action', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const w = world(store);
  await w.reporter.report(metaOf('f-1'), planned('f-1'));
  gh.faults.checkWrites = { kind: 'server', times: 1 };
  const ended = failed('f-1');
  logs.reset();
  logs.on(GetLogEventsCommand).resolves({ events: [{ timestamp: T0, message: 'computing\n' }, { timestamp: T0, message: 'Error: x must be a number\n' }] });
  await w.reporter.report(metaOf('f-1'), ended);
  assert.equal(await store.checks.pending(10), ['f-1']);
  await w.reporter.report(metaOf('f-1'), ended);
  const c = [...gh.checkRuns.values()].find((x) => x.external_id === 'f-1')!;
  assert.equal([c.status, c.conclusion], ['completed', 'failure']);
  assert.ok(c.output.summary!.includes('#### ❌ a'), c.output.summary!);
  assert.ok(c.output.summary!.includes('```text\ncomputing\nError: x must be a number\n```'), c.output.summary!);
  assert.equal(c.actions, [{ label: 'Re-run failed jobs', description: 'Runs the failed jobs, reuses the others', identifier: 'rerun-failed' }]);
  const arn = vecToArray(vecToArray(ended.jobs)[0]!.tasks)[0]!.attempts[0]!.taskArn!;
  assert.equal(logs.commandCalls(GetLogEventsCommand).map((x) => x.args[0].input), [
    { logGroupName: LOG_GROUP, logStreamName: logStreamName(logStreamPrefix('f-1', 'solo', 'a'), 'main', arn), startFromHead: false, limit: 20 },
    { logGroupName: LOG_GROUP, logStreamName: logStreamName(logStreamPrefix('f-1', 'solo', 'a'), 'main', arn), startFromHead: false, limit: 20 },
  ]);
  assert.equal(await store.checks.pending(10), []);
});

r('a check run whose id was lost (a crash before its record) is found by its external id, not created twice', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  await world(store).reporter.report(metaOf('lost-1'), planned('lost-1'));
  await local.doc.send(new DeleteCommand({ TableName: store.ctx.tableName, Key: { pk: runPk('lost-1'), sk: CHECK_SK } }));
  // A cold function: nothing remembered.
  await world(store).reporter.report(metaOf('lost-1'), failed('lost-1'));
  const ours = gh.checkWrites.filter((x) => x.body['external_id'] === 'lost-1' || [...gh.checkRuns.values()].some((c) => c.id === x.id && c.external_id === 'lost-1'));
  assert.equal(ours.map((x) => [x.kind, x.body['status']]), [['create', 'queued'], ['update', 'completed']]);
});

r('a change within 5 s of the last report waits; a change of status does not', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const w = world(store);
  const s0 = planned('p-1');
  await w.reporter.report(metaOf('p-1'), s0);
  const before = gh.checkWrites.length;
  w.clock.now += 1000;
  const later = { ...s0, now: s0.now + 60_000 };
  await w.reporter.report(metaOf('p-1'), later);
  assert.is(gh.checkWrites.length, before, 'held back');
  w.clock.now += 5000;
  await w.reporter.report(metaOf('p-1'), later);
  assert.is(gh.checkWrites.length, before + 1, 'sent once 5 s had passed');
});

r('an installation without checks: write gets commit statuses and no check run; one with it gets no status', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const w = world(store);
  const statusCommand = {
    _tag: 'SetCommitStatus' as const, runId: 'st-1', commit: metaOf('st-1').commit, context: 'hyperp/solo', state: 'pending' as const, description: '1 job', targetUrl: null,
  };
  const interpret = interpreter({
    config: loadConfig(testEnv), ecs: { send: async () => ({}) } as never, lambda: { send: async () => ({}) } as never, images: store.images,
    github: w.github, usesChecks: (id) => grantsChecks(w.github(id)), contexts: {} as never, wakeups: async () => undefined, now: () => T0, log: () => undefined,
  });
  await interpret(statusCommand, metaOf('st-1'));
  assert.equal(gh.statuses.filter((s) => s.body['context'] === 'hyperp/solo'), []);

  delete gh.permissions['checks'];
  try {
    await w.reporter.report(metaOf('st-1'), planned('st-1'));
    assert.equal([...gh.checkRuns.values()].filter((c) => c.external_id === 'st-1'), []);
    assert.equal(await store.checks.get('st-1'), undefined);
    await interpret(statusCommand, metaOf('st-1'));
    assert.equal(gh.statuses.filter((s) => s.body['context'] === 'hyperp/solo').map((s) => s.body['state']), ['pending']);
  } finally {
    gh.permissions['checks'] = 'write';
  }
});

r('without checks: write, the pull request comment is still sent once as the run ends; a rate-limited one is sent again by the sweep, a forbidden one is not', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const github = (id: number) => installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, id);
  const asked: string[] = [];
  let refuse = true;
  let permanent = false;
  const reporter = checkReporter({
    github, usesChecks: (id) => grantsChecks(github(id)), records: store.checks, detailsUrl: () => null, now: () => T0, log: () => undefined,
    pullRequests: async (p) => {
      asked.push(`${p.repo}@${p.commit.slice(0, 7)}`);
      if (permanent) throw new GitHubError('GitHub API: pull requests at the commit failed (HTTP 403): Resource not accessible by integration', 403);
      if (refuse) throw new GitHubError('GitHub API: pull requests at the commit failed (HTTP 403): You have exceeded a secondary rate limit', 403);
      return 1;
    },
  });
  delete gh.permissions['checks'];
  try {
    // Not while the run goes on.
    await reporter.report(metaOf('pr-1'), planned('pr-1'));
    assert.equal(asked, []);
    // As it ends: refused, so the run stays pending for the sweep, which sends it.
    await reporter.report(metaOf('pr-1'), failed('pr-1'));
    assert.is(asked.length, 1);
    assert.ok((await store.checks.pending(10)).includes('pr-1'));
    refuse = false;
    await store.states.save({ runId: 'pr-1', version: 1, state: { run: failed('pr-1'), meta: metaOf('pr-1') }, outbox: [], outboxDone: true, status: 'FAILED', updatedAt: 't' });
    assert.is(await reportPendingChecks({ store, reporter, log: () => undefined }), 1);
    assert.is(asked.length, 2);
    assert.not.ok((await store.checks.pending(10)).includes('pr-1'));
    // Sent: later reports send nothing more, and no check run was made.
    await reporter.report(metaOf('pr-1'), failed('pr-1'));
    assert.is(asked.length, 2);
    assert.equal([...gh.checkRuns.values()].filter((c) => c.external_id === 'pr-1'), []);
    // A refusal no repeat changes (the installation may not read pull requests) is not kept pending.
    permanent = true;
    await reporter.report(metaOf('pr-2'), failed('pr-2'));
    assert.is(asked.length, 3);
    assert.not.ok((await store.checks.pending(10)).includes('pr-2'));
    assert.equal((await store.checks.get('pr-2'))?.final, true);
  } finally {
    gh.permissions['checks'] = 'write';
  }
});

r('a failed job\'s last lines are posted with its secrets masked; when they cannot be read, not at all, and "not now" leaves the check pending', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const VALUE = 'calc-db-pa55-7f3a';
  const lines = [{ timestamp: T0, message: `connecting with ${VALUE}\n` }, { timestamp: T0, message: `auth ${Buffer.from(VALUE).toString('base64')}\n` }, { timestamp: T0, message: 'Error: refused\n' }];
  logs.reset();
  logs.on(GetLogEventsCommand).resolves({ events: lines });
  const summaryOf = (runId: string) => [...gh.checkRuns.values()].find((x) => x.external_id === runId)?.output.summary ?? '';

  sm.reset();
  sm.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => {
    if (input.VersionStage === 'AWSPREVIOUS') throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS", 400);
    return { Name: input.SecretId, SecretString: VALUE, VersionId: 'v1' };
  });
  await world(store).reporter.report(metaOf('m-1'), failed('m-1', ['db_password']));
  assert.ok(summaryOf('m-1').includes('```text\nconnecting with ***\nauth ***\nError: refused\n```'), summaryOf('m-1'));
  assert.equal(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input), [
    { SecretId: `${PREFIX}/acme/calculator/db_password` }, { SecretId: `${PREFIX}/acme/calculator/db_password`, VersionStage: 'AWSPREVIOUS' },
  ]);

  // Not allowed to read them: the check run goes without the lines.
  sm.reset();
  sm.on(GetSecretValueCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/hyperp-stepper/hyperp-stepper is not authorized to perform: secretsmanager:GetSecretValue', 400));
  const w = world(store);
  await w.reporter.report(metaOf('m-2'), failed('m-2', ['db_password']));
  assert.equal([...gh.checkRuns.values()].filter((x) => x.external_id === 'm-2').map((x) => x.conclusion), ['failure']);
  assert.not.ok(summaryOf('m-2').includes('connecting with'), summaryOf('m-2'));
  assert.ok(w.lines.includes('the log tails of failed jobs were left out: the secrets to mask in them were not read'));

  // Throttled: nothing is posted yet; the check stays pending, and the sweep posts the lines masked.
  sm.reset();
  sm.on(GetSecretValueCommand).rejects(awsError('ThrottlingException', 'Rate exceeded', 400));
  const ended = failed('m-3', ['db_password']);
  await world(store).reporter.report(metaOf('m-3'), ended);
  assert.is(summaryOf('m-3'), '');
  assert.equal(await store.checks.pending(10), ['m-3']);
  await store.states.save({ runId: 'm-3', version: 1, outbox: [], outboxDone: true, status: ended.status, updatedAt: 't', state: { run: ended, meta: metaOf('m-3') } });
  sm.reset();
  sm.on(GetSecretValueCommand).resolves({ SecretString: VALUE });
  assert.is(await reportPendingChecks({ store, reporter: world(store).reporter, log: () => undefined }), 1);
  assert.ok(summaryOf('m-3').includes('connecting with ***'), summaryOf('m-3'));
  assert.not.ok(JSON.stringify([...gh.checkRuns.values()]).includes(VALUE));
});

r.run();
