import { isWorkflowFile, loadWorkflows, type RunRequested } from '@hyperp/core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateScheduleCommand, ListSchedulesCommand, SchedulerClient, ValidationException } from '@aws-sdk/client-scheduler';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { existingImageTags } from '../src/aws/ecr-images.js';
import { loadConfig } from '../src/config.js';
import { installationClient } from '../src/github/app-client.js';
import { GitHubError, remoteRepo } from '../src/github/repo-reader.js';
import { planner } from '../src/planner/planner.js';
import { scheduleSync, workflowSchedulePrefix } from '../src/schedules/sync.js';
import { getRunMeta } from '../src/run/meta.js';
import { dynamoStore, type Store } from '../src/store/store.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { testEnv } from './support/env.js';
import { gitRepoFrom, type GitRepo } from './support/git-repo.js';
import { startGitHubFake, type GitHubFake } from './support/github-server.js';

const NOW = Date.UTC(2026, 10, 22, 8, 0, 0);
const config = loadConfig(testEnv);
let local: LocalDynamo;
let repo: GitRepo;
let gh: GitHubFake;
const fixture = new URL('../../../fixtures/calculator', import.meta.url).pathname;

const ecr = mockClient(ECRClient);
/** ECR holds every tag except these. */
const lostInRegistry = new Set<string>();
ecr.on(BatchGetImageCommand).callsFake((input: { imageIds: { imageTag: string }[] }) => ({
  images: input.imageIds.filter((i) => !lostInRegistry.has(i.imageTag)).map((imageId) => ({ imageId, imageManifest: '{}' })),
  failures: input.imageIds.filter((i) => lostInRegistry.has(i.imageTag)).map((imageId) => ({ imageId, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' })),
}));

const plannerWith = (store: Store) =>
  planner({
    store,
    config,
    github: (id) => installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, id),
    now: () => NOW,
    log: () => undefined,
    imagesInRegistry: (tags) => existingImageTags(new ECRClient({ region: 'us-east-1' }), config.ecrRepositoryUri, tags, { attempts: 1, baseMs: 1, maxMs: 1, sleep: async () => undefined, random: () => 0 }),
  });

const push = (commit: string, branch = 'main', deliveryId = 'd-1') =>
  ({ kind: 'push', repo: 'acme/calculator', branch, commit, installationId: 77, deliveryId, sender: 'octocat', receivedAt: NOW }) as const;

const p = suite('planner');
p.before(async () => {
  local = await startDynamoLocal();
  repo = gitRepoFrom(fixture);
  gh = await startGitHubFake(repo);
});
p.after(async () => {
  await gh.close();
  repo.remove();
  await local.stop();
});

p('reads the commit listing exactly as git lists it, with the App installation token', async () => {
  const commit = repo.git('rev-parse', 'HEAD');
  const r = await remoteRepo(installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, 77), {
    owner: 'acme', repo: 'calculator', commit,
  });
  const expected = repo.git('ls-tree', '-r', commit).split('\n').map((l) => {
    const [meta, path] = l.split('\t') as [string, string];
    return { path, blob: meta.split(' ')[2]! };
  });
  assert.equal(r.files, expected);
  assert.is(gh.requests[0]?.path, '/app/installations/77/access_tokens');
});

p('a push to a matching branch opens one run with its plan, metadata and build file lists', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const commit = repo.git('rev-parse', 'HEAD');
  const result = await plannerWith(store)(push(commit));
  assert.equal(result.problems, []);
  assert.is(result.runs.length, 1);
  const run = result.runs[0]!;
  assert.equal(run.workflow, 'calculator');
  assert.match(run.runId, /^20261122-080000-[0-9a-f]{10}$/);
  const events = await store.events.list(run.runId);
  assert.equal(events.map((e) => e.id), ['requested']);
  const requested = events[0]!.event as RunRequested;
  assert.equal(
    requested.plan.jobs.map((j) => [j.name, j.action, j.images.map((i) => [i.container, i.dockerfilePath, i.action, i.reason])]),
    [
      ['Generate x', 'build', [['generate_x', 'generate_x/Dockerfile', 'build', 'build: no earlier image']]],
      ['x * y', 'build', [['multiply', 'multiply/Dockerfile', 'build', 'build: no earlier image']]],
      ['x / z', 'build', [['divide', 'divide/Dockerfile', 'build', 'build: no earlier image']]],
      ['(x * y) + (x / z)', 'build', [['add', 'add/Dockerfile', 'build', 'build: no earlier image']]],
    ],
  );
  assert.equal(requested.trigger, { kind: 'push', deliveryId: 'd-1', sender: 'octocat' });
  assert.equal([requested.commit, requested.branch, requested.settings.render.imageRepository, requested.settings.statusContext], [
    commit, 'main', config.ecrRepositoryUri, 'hyperp/calculator',
  ]);
  assert.equal(await getRunMeta(store.ctx, run.runId), {
    runId: run.runId, repo: 'acme/calculator', installationId: 77, branch: 'main', commit, workflow: 'calculator', trigger: 'push',
  });
  // The same delivery planned again appends nothing new.
  const again = await plannerWith(store)(push(commit));
  assert.equal(again.runs, [{ ...run, appended: false }]);
});

p('after the images exist, the next commit reuses unchanged ones and explains the rebuild by its files', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const first = repo.git('rev-parse', 'HEAD');
  const r1 = await plannerWith(store)(push(first, 'main', 'd-a'));
  const req1 = (await store.events.list(r1.runs[0]!.runId))[0]!.event as RunRequested;
  for (const job of req1.plan.jobs) {
    for (const i of job.images) {
      await store.images.record(i.key, `${config.ecrRepositoryUri}:${i.key}`, '2026-11-22T08:05:00.000Z', {
        repo: 'acme/calculator', workflow: 'calculator', job: job.name, container: i.container,
      });
    }
  }
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${repo.dir}/multiply/main.py`, 'print("changed")\n');
  const second = repo.commit('change multiply');
  const r2 = await plannerWith(store)(push(second, 'main', 'd-b'));
  const req2 = (await store.events.list(r2.runs[0]!.runId))[0]!.event as RunRequested;
  assert.equal(
    req2.plan.jobs.map((j) => [j.name, j.images[0]!.action, j.images[0]!.changedFiles]),
    [['Generate x', 'reuse', []], ['x * y', 'build', ['multiply/main.py']], ['x / z', 'reuse', []], ['(x * y) + (x / z)', 'reuse', []]],
  );
  assert.match(req2.plan.jobs[1]!.images[0]!.reason, /^build: multiply\/main\.py changed since image [0-9a-f]{12}…$/);
  // ECR was asked about exactly the stored keys, by tag.
  const asked = ecr.commandCalls(BatchGetImageCommand).at(-1)!.args[0].input;
  assert.equal([asked.repositoryName, asked.imageIds!.map((i) => i.imageTag).sort()], [
    'hyperp', req1.plan.jobs.filter((j) => j.name !== 'x * y').map((j) => j.images[0]!.key).sort(),
  ]);

  // An image the store knows but ECR lost is built again.
  const divide = req2.plan.jobs[2]!.images[0]!.key;
  lostInRegistry.add(divide);
  try {
    const r3 = await plannerWith(store)(push(second, 'main', 'd-c'));
    const req3 = (await store.events.list(r3.runs[0]!.runId))[0]!.event as RunRequested;
    assert.equal(req3.plan.jobs.map((j) => j.images[0]!.action), ['reuse', 'build', 'build', 'reuse']);
  } finally {
    lostInRegistry.clear();
  }
});

p('a truncated tree is listed directory by directory, with the same result', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const commit = repo.git('rev-parse', 'HEAD');
  const whole = await plannerWith(store)(push(commit, 'main', 'd-t1'));
  gh.faults.truncateTrees = true;
  try {
    const before = gh.requests.length;
    const walked = await plannerWith(store)(push(commit, 'main', 'd-t2'));
    const a = (await store.events.list(whole.runs[0]!.runId))[0]!.event as RunRequested;
    const b = (await store.events.list(walked.runs[0]!.runId))[0]!.event as RunRequested;
    assert.equal(b.plan, a.plan);
    assert.ok(gh.requests.slice(before).filter((r) => r.path.includes('/git/trees/') && !r.path.includes('recursive')).length >= 6);
  } finally {
    gh.faults.truncateTrees = false;
  }
});

p('an API failure is an error naming the call, never a missing file, and opens no run', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const commit = repo.git('rev-parse', 'HEAD');
  gh.faults.blobStatus = 502;
  try {
    await plannerWith(store)(push(commit, 'main', 'd-e'));
    assert.unreachable('planned on a half-read repository');
  } catch (e) {
    assert.instance(e, GitHubError);
    assert.match((e as Error).message, /^GitHub API: blob [0-9a-f]{40} of acme\/calculator failed \(HTTP 502\)/);
  } finally {
    gh.faults.blobStatus = null;
  }
  assert.equal((await store.listing.list({ by: 'repo', repo: 'acme/calculator' })).runs, []);
});

p('a push to a branch no workflow runs on opens nothing', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const r = await plannerWith(store)(push(repo.git('rev-parse', 'HEAD'), 'dev', 'd-dev'));
  assert.equal(r.runs, []);
  assert.equal(r.problems, []);
});

p('a schedule Scheduler refuses fails its workflow\'s status; the push\'s runs and the other schedules go on', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const cronWorkflow = (name: string, schedule: string) =>
    `workflowName: ${name}\nbranches: [main]\ntriggers:\n  push: false\n  cron:\n    - schedule: "${schedule}"\njobs:\n  - jobName: only\n    taskDefinitionPath: generate_x/taskdef.json\n`;
  writeFileSync(join(repo.dir, 'hyperp-workflows/nightly.yaml'), cronWorkflow('nightly', '15 10 ? * *'));
  writeFileSync(join(repo.dir, 'hyperp-workflows/weekly.yaml'), cronWorkflow('weekly', '0 6 * * MON'));
  const commit = repo.commit('two scheduled workflows');
  const scheduler = mockClient(SchedulerClient);
  scheduler.on(ListSchedulesCommand).resolves({ Schedules: [] });
  // Scheduler refuses nightly's schedule (whatever the reason: the planner must survive any).
  scheduler.on(CreateScheduleCommand).callsFake((input: { Name: string; ScheduleExpression: string }) => {
    if (input.Name.startsWith(workflowSchedulePrefix('acme/calculator', 'main', 'nightly'))) {
      throw new ValidationException({ message: `Invalid Schedule Expression ${input.ScheduleExpression}.`, Message: `Invalid Schedule Expression ${input.ScheduleExpression}.`, $metadata: { httpStatusCode: 400 } });
    }
    return { ScheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/hyperp/x' };
  });
  const statusesBefore = gh.statuses.length;
  const result = await planner({
    store, config, now: () => NOW, log: () => undefined,
    github: (id) => installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, id),
    imagesInRegistry: async () => new Set(),
    syncSchedules: scheduleSync({ scheduler: new SchedulerClient({ region: 'us-east-1' }), config, log: () => undefined }),
  })(push(commit, 'main', 'd-cron'));
  // The push still runs its workflow.
  assert.equal(result.runs.map((r) => [r.workflow, r.appended]), [['calculator', true]]);
  // weekly's schedule was made; nightly's failure is on nightly's own status, with AWS's reason.
  assert.equal(scheduler.commandCalls(CreateScheduleCommand).map((c) => [c.args[0].input.Description, c.args[0].input.ScheduleExpression]), [
    ['hyperp: acme/calculator main nightly (15 10 ? * *)', 'cron(15 10 * * ? *)'],
    ['hyperp: acme/calculator main weekly (0 6 * * MON)', 'cron(0 6 ? * 2 *)'],
  ]);
  const reason = 'cron schedule "15 10 ? * *" not synced: ValidationException: Invalid Schedule Expression cron(15 10 * * ? *).';
  assert.equal(result.problems, [`nightly: ${reason}`]);
  assert.equal(gh.statuses.slice(statusesBefore).map((s) => [s.sha, s.body['context'], s.body['state'], s.body['description']]), [
    [commit, 'hyperp/nightly/schedules', 'failure', reason],
    [commit, 'hyperp', 'failure', `1 problem: nightly: ${reason}`],
  ]);
  scheduler.restore();
});

p('a redelivered push whose planning failed is planned; a delivery of a planned push starts no second run', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const commit = repo.git('rev-parse', 'HEAD');
  const delivery = (receivedAt: number) => ({ ...push(commit, 'main', 'd-redeliver'), pushedAt: NOW - 5_000, receivedAt });
  gh.faults.blobStatus = 502;
  try {
    await plannerWith(store)(delivery(NOW));
    assert.unreachable('planned on a half-read repository');
  } catch (e) {
    assert.instance(e, GitHubError);
  } finally {
    gh.faults.blobStatus = null;
  }
  // GitHub's Redeliver, an hour later: the same delivery id and payload.
  const redelivered = await plannerWith(store)(delivery(NOW + 3_600_000));
  assert.equal(redelivered.runs.map((r) => r.appended), [true]);
  // Redelivered once more: the run exists, nothing is appended.
  const again = await plannerWith(store)(delivery(NOW + 7_200_000));
  assert.equal(again.runs.map((r) => [r.runId, r.appended]), [[redelivered.runs[0]!.runId, false]]);
  assert.equal((await store.events.list(redelivered.runs[0]!.runId)).map((e) => (e.event as { _tag: string })._tag), ['RunRequested']);
});

p('a workflow file over the bound is refused by the size the Trees API lists, and its blob is never fetched', async () => {
  writeFileSync(join(repo.dir, 'hyperp-workflows', 'huge.yaml'), `workflowName: huge\nworkflowDescription: ${'x'.repeat(2 * 1024 * 1024)}\njobs: []\n`);
  repo.git('add', '-A');
  const commit = repo.commit('a huge workflow');
  const blob = repo.git('rev-parse', `${commit}:hyperp-workflows/huge.yaml`);
  const r = await remoteRepo(installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, 77), { owner: 'acme', repo: 'calculator', commit });
  const { issues } = await r.snapshotReading(loadWorkflows, isWorkflowFile);
  assert.equal(issues.map((i) => [i.file, i.message]), [['hyperp-workflows/huge.yaml', 'the workflow file is 2.0 MiB; hyperp reads workflow files of at most 256.0 KiB']]);
  assert.not.ok(gh.requests.some((q) => q.path.includes(blob)), 'the huge blob was fetched');
});

p('a manual run takes the API\'s inputs, checked against the workflow with defaults filled in; inputs it refuses open no run', async () => {
  rmSync(join(repo.dir, 'hyperp-workflows', 'huge.yaml'), { force: true });
  const yaml = join(repo.dir, 'hyperp-workflows', 'calculator.yaml');
  const text = readFileSync(yaml, 'utf8').replace('jobs:', [
    'inputs:', '  - name: x', '    type: number', '    required: true', '  - name: note', '    default: none',
    'triggers:', '  cron:', '    - schedule: "0 3 * * *"', '      name: nightly', '      inputs: { x: 7 }', 'jobs:',
  ].join('\n'));
  writeFileSync(yaml, text);
  repo.git('add', '-A');
  const commit = repo.commit('inputs');
  const store = dynamoStore(local.doc, await local.createTable());
  const plan = plannerWith(store);
  const manual = { kind: 'manual', repo: 'acme/calculator', branch: 'main', commit, workflow: 'calculator', installationId: 77, requestedBy: null, receivedAt: NOW } as const;
  const requestedOf = async (runId: string) => (await store.events.list(runId))[0]!.event as RunRequested;
  const ok = await plan({ ...manual, requestId: 'q1', inputs: { x: '2.5' } });
  assert.equal(ok.problems, []);
  assert.equal((await requestedOf(ok.runs[0]!.runId)).inputs, { x: 2.5, note: 'none' });
  const statusesBefore = gh.statuses.length;
  const bad = await plan({ ...manual, requestId: 'q2', inputs: { x: 'two', y: '1' } });
  assert.equal(bad.runs, []);
  assert.equal(bad.problems, ['calculator: the workflow declares no input "y"; it takes x, note', 'calculator: input "x" must be a number, not "two"']);
  // The API answers the person who asked; the commit is not marked failed for a mistyped input.
  assert.equal(bad.refused, ['the workflow declares no input "y"; it takes x, note', 'input "x" must be a number, not "two"']);
  assert.equal(gh.statuses.slice(statusesBefore), []);
  assert.equal((await plan({ ...manual, requestId: 'q3' })).refused, ['input "x" is required (a number)']);
});

p('a manual run asked again is answered from the run it started, without reading the repository again', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  const commit = repo.git('rev-parse', 'HEAD');
  const manual = { kind: 'manual', repo: 'acme/calculator', branch: 'main', commit, workflow: 'calculator', installationId: 77, requestedBy: null, receivedAt: NOW, requestId: 'again', inputs: { x: 3 } } as const;
  const first = await plannerWith(store)(manual);
  assert.equal(first.runs.map((r) => r.appended), [true]);
  const asked = gh.requests.length;
  assert.equal(await plannerWith(store)(manual), { commit, runs: [{ ...first.runs[0]!, appended: false }], problems: [], refused: [] });
  assert.equal(gh.requests.slice(asked), []);
});

p('a manual run of a workflow that is not there, or whose file has errors, is refused with each error\'s file and line', async () => {
  const store = dynamoStore(local.doc, await local.createTable());
  writeFileSync(join(repo.dir, 'hyperp-workflows/broken.yaml'), 'workflowName: broken\njobs:\n  - jobName: a\n    taskDefinitionPath: generate_x/taskdef.json\n    retries: many\n');
  writeFileSync(join(repo.dir, 'hyperp-workflows/as-env.yaml'), [
    'workflowName: as-env', 'jobs:', '  - jobName: a', '    taskDefinitionPath: generate_x/taskdef.json', '    secrets: [{ name: token, env: TOKEN }]', '',
  ].join('\n'));
  const commit = repo.commit('a broken workflow and one asking for a secret as a variable');
  const manual = (workflow: string) =>
    ({ kind: 'manual', repo: 'acme/calculator', branch: 'main', commit, workflow, installationId: 77, requestedBy: null, receivedAt: NOW, requestId: `w-${workflow}` }) as const;
  const statusesBefore = gh.statuses.length;
  const broken = await plannerWith(store)(manual('broken'));
  assert.equal([broken.runs, broken.refused], [[], [
    `workflow "broken" is not in acme/calculator@${commit.slice(0, 12)} or does not allow manual runs`,
    'hyperp-workflows/broken.yaml:5:14: jobs[0].retries must be a number, not "many"',
  ]]);
  const asEnv = await plannerWith(store)(manual('as-env'));
  assert.equal([asEnv.runs, asEnv.refused], [[], ['asks for secrets as environment variables (a: token as TOKEN), which a deployment does not give; read /run/secrets/<name> instead']]);
  assert.equal(gh.statuses.slice(statusesBefore), []);
  rmSync(join(repo.dir, 'hyperp-workflows/broken.yaml'));
  rmSync(join(repo.dir, 'hyperp-workflows/as-env.yaml'));
  repo.commit('without them');
});

p.run();
