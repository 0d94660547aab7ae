// A push whose workflow files or task definitions are invalid: the planner opens no run for them
// and sends a check run asking for action, with one annotation per issue at its file and line
// (the issues `hyperp validate` prints: fixtures/invalid/*/expected.json), 50 per request.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { grantsChecks, installationClient } from '../src/github/app-client.js';
import { GitHubError } from '../src/github/repo-reader.js';
import { planner } from '../src/planner/planner.js';
import { dynamoStore } from '../src/store/store.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { testEnv } from './support/env.js';
import { gitRepoFrom, type GitRepo } from './support/git-repo.js';
import { startGitHubFake, type GitHubFake } from './support/github-server.js';

const NOW = Date.UTC(2026, 10, 22, 8, 0, 0);
const FIXTURE = new URL('../../../fixtures/invalid/task-definition-schema', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as { issues: { file: string; line?: number; column?: number; message: string; severity: string }[] };
let local: LocalDynamo;
let repo: GitRepo;
let gh: GitHubFake;

const plan = async (commit: string, deliveryId = 'd-1') => {
  const github = (id: number) => installationClient({ appId: gh.appId, privateKey: gh.privateKey, baseUrl: gh.baseUrl }, id);
  return planner({
    store: dynamoStore(local.doc, await local.createTable()), config: loadConfig(testEnv), github, now: () => NOW, log: () => undefined,
    usesChecks: (id) => grantsChecks(github(id)), imagesInRegistry: async () => new Set(),
  })({ kind: 'push', repo: 'acme/calculator', branch: 'main', commit, installationId: 77, deliveryId, sender: 'octocat', receivedAt: NOW });
};

const v = suite('validation failures as a check run');
v.before(async () => {
  local = await startDynamoLocal();
  repo = gitRepoFrom(FIXTURE);
  gh = await startGitHubFake(repo);
});
v.after(async () => {
  await gh.close();
  repo.remove();
  await local.stop();
});

v('invalid task definitions: one check asking for action, an annotation per issue at the file and line hyperp validate names', async () => {
  const commit = repo.git('rev-parse', 'HEAD');
  const r = await plan(commit);
  assert.equal(r.runs, []);
  const checks = [...gh.checkRuns.values()].filter((c) => c.head_sha === commit);
  assert.equal(checks.map((c) => [c.name, c.status, c.conclusion, c.external_id]), [['hyperp/validate', 'completed', 'action_required', `validate:${commit}`]]);
  const a = checks[0]!.annotations;
  assert.equal(
    a.map((x) => [x['path'], x['start_line'], x['end_line'], x['annotation_level'], x['message']]),
    expected.issues.map((i) => [i.file, i.line ?? 1, i.line ?? 1, i.severity === 'error' ? 'failure' : 'warning', i.message]),
  );
  assert.ok(checks[0]!.output.summary!.includes('`hyperp validate` prints the same list'));
  // Checks say it; no commit status repeats it.
  assert.equal(gh.statuses.filter((s) => s.sha === commit), []);
  // A redelivery plans again and finds the check: nothing is sent twice.
  const writes = gh.checkWrites.length;
  await plan(commit, 'd-again');
  assert.is(gh.checkWrites.length, writes);
});

v('66 issues (60 added, the fixture\'s 6): the check is created with 50 annotations and updated with the other 16', async () => {
  const jobs = Array.from({ length: 60 }, (_, i) => `  - jobName: j${i}\n    taskDefinitionPath: job/taskdef.json\n    dependsOn: [missing${i}]\n`).join('');
  writeFileSync(join(repo.dir, 'hyperp-workflows', 'many.yaml'), `workflowName: many\nbranches: [main]\njobs:\n${jobs}`);
  const commit = repo.commit('sixty broken dependencies');
  await plan(commit, 'd-60');
  const check = [...gh.checkRuns.values()].find((c) => c.head_sha === commit)!;
  const writes = gh.checkWrites.filter((w) => w.id === check.id);
  assert.equal(writes.map((w) => [w.kind, ((w.body['output'] as { annotations: unknown[] }).annotations).length]), [['create', 50], ['update', 16]]);
  const ours = check.annotations.filter((x) => x['path'] === 'hyperp-workflows/many.yaml');
  assert.is(ours.length, 60);
  // Each at its job's dependsOn line: line 4 + 3 per job (workflowName, branches, jobs:, then 3 lines a job).
  assert.equal(ours.map((x) => x['start_line']), Array.from({ length: 60 }, (_, i) => 6 + 3 * i));
});

v('a secondary rate limit on the check fails the planning so Lambda plans again, which sends it', async () => {
  writeFileSync(join(repo.dir, 'hyperp-workflows', 'many.yaml'), 'workflowName: many\njobs: []\n');
  const commit = repo.commit('no jobs');
  gh.faults.checkWrites = { kind: 'rateLimit', times: 1 };
  try {
    await plan(commit, 'd-rl');
    assert.unreachable('the rate limit was swallowed');
  } catch (e) {
    assert.instance(e, GitHubError);
    assert.match((e as Error).message, /secondary rate limit.*retry after 60 s/);
  }
  assert.equal([...gh.checkRuns.values()].filter((c) => c.head_sha === commit), []);
  await plan(commit, 'd-rl');
  assert.equal([...gh.checkRuns.values()].filter((c) => c.head_sha === commit).map((c) => c.conclusion), ['action_required']);
});

v.run();
