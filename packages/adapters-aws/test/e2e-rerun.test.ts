// Re-run from GitHub, end to end on the AWS adapter: a push whose job "x / z" fails gets a failed
// check run with a "Re-run failed jobs" button; GitHub's Re-run (a signed `check_run`
// `rerequested` delivery, its payload judged by GitHub's webhook description) starts a rerun that
// reuses the jobs that succeeded, which runs to success and reports on its own check run.
import { vecToArray, viewUsd, type RunState } from '@hyperp/core';
import { costChange, mdUsd, pullRequestCommentMarker } from '@hyperp/core/internal';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RERUN_FAILED_ACTION } from '../src/github/check-actions.js';
import type { StoredRun } from '../src/run/stepper.js';
import { runCalculatorEndToEnd, type E2EResult } from './support/calculator-e2e.js';
import { startDynamoLocal, type LocalDynamo } from './support/dynamodb-local.js';
import { checkRunPayload, pullRequestPayload } from './support/github-shapes.js';
import { startS3Local, type LocalS3 } from './support/s3-local.js';

let local: LocalDynamo;
let s3: LocalS3;
let r: E2EResult;
const failing = new Set(['x / z']);

const stateOf = async (runId: string): Promise<RunState> => ((await r.store.states.load(runId))!.state as StoredRun).run as RunState;
const checkOf = (runId: string) => [...r.gh.checkRuns.values()].filter((c) => c.external_id === runId);
const pressed = (runId: string, action: 'rerequested' | 'requested_action', over: { appId?: string } = {}) => {
  const c = checkOf(runId)[0]!;
  return checkRunPayload({ action, appId: over.appId ?? r.gh.appId, check: { ...c, external_id: c.external_id } });
};

const e = suite('re-run from GitHub');
e.before(async () => {
  local = await startDynamoLocal();
  s3 = await startS3Local(['hyperp-artifacts-test']);
  r = await runCalculatorEndToEnd(local, s3, { noisy: false, failing, pullRequest: { number: 7, baseRef: 'main' } });
});
e.after(async () => {
  await r?.cleanup();
  await s3.stop();
  await local.stop();
});

e('a failed job fails the check run, which names it and offers "Re-run failed jobs"', async () => {
  assert.is((await stateOf(r.runId)).status, 'FAILED');
  const [c] = checkOf(r.runId);
  assert.equal([c!.status, c!.conclusion, c!.output.title], ['completed', 'failure', c!.output.title]);
  assert.match(c!.output.title!, /^x \/ z failed · \$/);
  assert.ok(c!.output.summary!.includes('#### ❌ x / z'), c!.output.summary!);
  assert.equal(c!.actions, [RERUN_FAILED_ACTION]);
});

e('the pull request whose head is the commit gets one summary comment with the workflow\'s conclusion and cost', async () => {
  const run = await stateOf(r.runId);
  assert.equal(r.gh.commentWrites.map((w) => [w.kind, w.issue]), [['create', 7]]);
  const body = [...r.gh.comments.values()][0]!.body;
  assert.ok(body.startsWith(pullRequestCommentMarker));
  assert.ok(body.includes(`| calculator | ❌ failed | ${mdUsd(viewUsd(run.cost.totalUsd))} | – | \`${r.runId}\` |`), body);
});

e('a pull request opened on a commit that already ran gets the summary at once (a pull_request webhook)', async () => {
  r.gh.pulls.push({ number: 8, headSha: r.commit, baseRef: 'main' });
  const opened = await r.deliver('pull_request', pullRequestPayload({ action: 'opened', number: 8, headSha: r.commit, base: 'main' }), 'pr-8-opened');
  assert.equal([opened.webhook.statusCode, opened.planned], [202, [1]]);
  assert.equal(r.gh.commentWrites.map((w) => [w.kind, w.issue]), [['create', 7], ['create', 8]]);
  r.gh.pulls.pop();
  const closed = await r.deliver('pull_request', { ...pullRequestPayload({ action: 'opened', number: 8, headSha: r.commit, base: 'main' }), action: 'closed' }, 'pr-8-closed');
  assert.equal([closed.webhook.statusCode, JSON.parse(closed.webhook.body).ignored, closed.planned], [202, true, []]);
});

e('another App\'s check run, or a run of another repository, starts nothing', async () => {
  const foreign = await r.deliver('check_run', pressed(r.runId, 'rerequested', { appId: '999' }), 'rerun-foreign-app');
  assert.equal([foreign.webhook.statusCode, JSON.parse(foreign.webhook.body).ignored, foreign.planned], [202, true, []]);
  const other = pressed(r.runId, 'rerequested');
  const elsewhere = await r.deliver('check_run', { ...other, repository: { ...other.repository, full_name: 'mallory/calculator' } }, 'rerun-other-repo');
  assert.equal(elsewhere.planned, [{ _tag: 'Refused', status: 404, reason: `no run ${r.runId} in mallory/calculator` }]);
});

e('GitHub\'s Re-run (check_run rerequested) starts a rerun reusing the jobs that succeeded; a redelivery starts no second', async () => {
  failing.clear();
  const first = await r.deliver('check_run', pressed(r.runId, 'rerequested'), 'rerun-delivery-1');
  assert.is(first.webhook.statusCode, 202);
  const started = first.planned[0] as { _tag: string; runId: string; from: string; reused: string[]; appended: boolean };
  assert.equal([started._tag, started.from, started.reused, started.appended], ['Started', r.runId, ['Generate x', 'x * y'], true]);
  const again = await r.deliver('check_run', pressed(r.runId, 'rerequested'), 'rerun-delivery-1');
  assert.equal(again.planned, [{ _tag: 'Duplicate', deliveryId: 'rerun-delivery-1' }]);

  // The base branch's last run of the workflow, on another commit, cost $0.001.
  await r.store.listing.put({
    runId: '20261101-000000-0123456789', repo: 'acme/calculator', workflow: 'calculator', branch: 'main', commit: 'b'.repeat(40), trigger: 'push',
    status: 'SUCCEEDED', requestedAt: '2026-11-01T00:00:00.000Z', updatedAt: '2026-11-01T00:10:00.000Z', costUsd: 0.001, version: 9,
  }, true);
  await r.drive(started.runId);
  const rerun = await stateOf(started.runId);
  assert.is(rerun.status, 'SUCCEEDED');
  assert.equal(vecToArray(rerun.jobs).map((j) => [j.name, j.status, j.reason]), [
    ['Generate x', 'SUCCEEDED', `reused from run ${r.runId}`],
    ['x * y', 'SUCCEEDED', `reused from run ${r.runId}`],
    ['x / z', 'SUCCEEDED', null],
    ['(x * y) + (x / z)', 'SUCCEEDED', null],
  ]);
  // The rerun reports on its own check run; the failed one stays as it was.
  assert.equal(checkOf(started.runId).map((c) => [c.name, c.conclusion]), [['hyperp/calculator', 'success']]);
  assert.equal(checkOf(r.runId).map((c) => c.conclusion), ['failure']);
  // The pull request's one comment was edited, not repeated: the rerun's success, and its cost against main's last run.
  assert.equal(r.gh.commentWrites.map((w) => [w.kind, w.issue]), [['create', 7], ['create', 8], ['update', 7]]);
  const cost = viewUsd(rerun.cost.totalUsd);
  assert.ok([...r.gh.comments.values()][0]!.body.includes(`| calculator | ✅ succeeded | ${mdUsd(cost)} | ${costChange(cost, 0.001)} | \`${started.runId}\` |`), [...r.gh.comments.values()][0]!.body);
});

e.run();
