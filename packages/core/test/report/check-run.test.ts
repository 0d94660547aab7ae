import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { taskLaunchAccepted, taskRunning, taskStopped } from '../../src/run/constructors.js';
import type { RunEvent } from '../../src/run/events.js';
import { imageUri } from '../../src/names/images.js';
import { logStreamName, logStreamPrefix } from '../../src/names/logs.js';
import type { RunState } from '../../src/run/state.js';
import { vecFromArray } from '../../src/run/vector.js';
import { syntheticImageKey } from '../../src/sim/workflow.js';
import { checkRunName, checkRunReport, checkStatusOf, checkConclusionOf, failedJobLogs, checkOutputMax } from '../../src/report/check-run.js';
import { checkReportDigest, checkSendDecision, checkUpdateEveryMs } from '../../src/report/check-pacing.js';
import { mdFence } from '../../src/report/markdown.js';
import { arnOf, keys, request, RUN, stateAfter, T0, taskArn, withJob } from '../run/support.js';

const r = request();
const built = (name: string, at: number): RunEvent => ({
  _tag: 'ImageBuildSucceeded', at, key: syntheticImageKey(name), imageUri: imageUri(r.settings.render.imageRepository, syntheticImageKey(name)), usage: null,
});
const registered = (job: string, at: number): RunEvent => ({ _tag: 'TaskDefinitionRegistered', at, job, taskDefinitionArn: arnOf(job) });
const sb = (job: string, index: number, attempt: number): string => keys(job, index, attempt).startedBy;

const planned = stateAfter([r]);
const running = stateAfter([
  r, { _tag: 'DirectoriesEnsured', at: T0 + 1 }, built('a', T0 + 10), registered('a', T0 + 11),
  taskLaunchAccepted(T0 + 12, sb('a', 1, 1), taskArn(1)),
  taskRunning(T0 + 1000, sb('a', 1, 1), taskArn(1), ['main']),
]);
const aDone = stateAfter([
  r, { _tag: 'DirectoriesEnsured', at: T0 + 1 }, built('a', T0 + 10), registered('a', T0 + 11),
  taskLaunchAccepted(T0 + 12, sb('a', 1, 1), taskArn(1)),
  taskRunning(T0 + 1000, sb('a', 1, 1), taskArn(1), ['main']),
  taskStopped(T0 + 31_000, sb('a', 1, 1), taskArn(1), { main: 0 }, { pullStartedAt: T0 + 500 }),
]);
/** b failed: its first task's last attempt ended by its deadline (or by exit 3 when `timedOut` is false). */
const failedB = (timedOut: boolean): RunState => {
  const s = withJob(aDone, 'b', (j) => ({
    ...j, status: 'FAILED', reason: timedOut ? 'task 1 ran past its 60 s deadline' : 'task 1 exited with 3', startedAt: T0 + 31_000, finishedAt: T0 + 95_000,
    tasks: vecFromArray([{ index: 1, status: 'FAILED', attempts: [attempt(taskArn(7), timedOut)] }, { index: 2, status: 'CANCELLED', attempts: [] }]),
  }));
  return { ...s, status: 'FAILED', finishedAt: T0 + 96_000, now: T0 + 96_000, failure: 'job b failed' };
};
const attempt = (arn: string, timedOut: boolean) => ({
  attempt: 1, attemptKey: 'k', startedBy: 'sb', taskArn: arn, launchedAt: T0 + 31_000, notBefore: null, runningAt: T0 + 32_000, stoppedAt: T0 + 95_000,
  lastStatus: 'STOPPED', outcome: 'FAILED' as const, reason: 'x', exitCodes: { main: timedOut ? null : 3 }, stopCode: null, deadline: null, timedOut,
  stopReason: null, stopSent: false, throttled: 0, usage: null, costUsd: 0,
});

const Status = suite('check status and conclusion');

Status('queued when planned, in progress once a task was launched, completed at the end', () => {
  assert.is(checkStatusOf(planned), 'queued');
  assert.is(checkStatusOf(running), 'in_progress');
  assert.is(checkStatusOf({ ...aDone, status: 'SUCCEEDED', finishedAt: T0 + 40_000 }), 'completed');
  assert.is(checkConclusionOf(running), null);
});

Status('success, cancelled, failure; timed_out only when every failed job ended by its deadline; action_required when the run could not start', () => {
  assert.is(checkConclusionOf({ ...aDone, status: 'SUCCEEDED' }), 'success');
  assert.is(checkConclusionOf({ ...aDone, status: 'CANCELLED' }), 'cancelled');
  assert.is(checkConclusionOf(failedB(false)), 'failure');
  assert.is(checkConclusionOf(failedB(true)), 'timed_out');
  assert.is(checkConclusionOf({ ...planned, graph: null, status: 'FAILED', failure: 'the run cannot start: a cycle' }), 'action_required');
});

Status('the check is named after the workflow, as the commit status context was', () => {
  assert.is(checkRunName('calculator'), 'hyperp/calculator');
  assert.is(checkRunName('x'.repeat(300)).length, 100);
});

const Summary = suite('check run summary');

Summary('a failed run: title, header, job table, images with why, the cost and the failed job\'s reason and log tail', () => {
  const s = failedB(false);
  const report = checkRunReport(s, { logTails: { b: ['starting', 'Traceback (most recent call last):', 'ZeroDivisionError: division by zero'] } });
  assert.is(report.status, 'completed');
  assert.is(report.conclusion, 'failure');
  assert.is(report.title, 'b failed · $0.000206');
  assert.is(report.summary, [
    `Run \`run-1\` of \`${r.commit.slice(0, 12)}\` on main: **FAILED** in 1m 36s`,
    '',
    'job b failed',
    '',
    '| job | status | tasks | duration | cost |',
    '| --- | --- | --- | --- | ---: |',
    '| a | ✅ succeeded | 1/1 | 31s | $0.000206 |',
    '| b | ❌ failed | 0/2 | 1m 04s | $0.0000 |',
    '| c | 🕓 ready | 0/1 | – | $0.0000 |',
    '',
    '### Images: 1 built, 1 reused',
    '',
    '| job / container | image | status | why | build cost |',
    '| --- | --- | --- | --- | ---: |',
    `| a / main | \`${syntheticImageKey('a').slice(0, 12)}\` | built | build: no earlier image | – |`,
    `| b / main | \`${syntheticImageKey('b').slice(0, 12)}\` | building | build: no earlier image | – |`,
    `| c / main | \`${syntheticImageKey('c').slice(0, 12)}\` | reused | reuse: key exists | – |`,
    '',
    '**Total cost: $0.000206** (tasks $0.000206, image builds $0.0000; Fargate on-demand prices, us-east-1)',
    '',
    '### Failed jobs',
    '',
    '#### ❌ b',
    '',
    'task 1 exited with 3',
    '',
    'Last 3 log lines:',
    '',
    '```text',
    'starting',
    'Traceback (most recent call last):',
    'ZeroDivisionError: division by zero',
    '```',
  ].join('\n'));
});

Summary('hostile job names and log lines cannot break the table or close the code block', () => {
  const s = withJob(failedB(false), 'b', (j) => ({ ...j, name: 'b | <img src=x> `x`\n# h' }));
  const report = checkRunReport(s, { logTails: { 'b | <img src=x> `x`\n# h': ['```', 'done ````'] } });
  const row = report.summary.split('\n').find((l) => l.includes('❌ failed'))!;
  assert.is(row, '| b \\| \\<img src=x\\> \\`x\\` \\# h | ❌ failed | 0/2 | 1m 04s | $0.0000 |');
  assert.ok(report.summary.includes('`````text\n```\ndone ````\n`````'), report.summary);
  assert.not.ok(/(^|[^\\])<img/.test(report.summary));
});

Summary('a summary longer than GitHub takes is cut, and says so', () => {
  const s = failedB(false);
  const report = checkRunReport(s, { logTails: { b: Array.from({ length: 20 }, () => 'x'.repeat(5000)) } });
  assert.ok(report.summary.length <= checkOutputMax);
  const huge = withJob(s, 'c', (j) => ({ ...j, status: 'FAILED', reason: 'y'.repeat(70_000) }));
  const cut = checkRunReport(huge, { logTails: {} }).summary;
  assert.ok(cut.length <= checkOutputMax && cut.endsWith('…(cut: GitHub takes at most 65,535 characters here)'));
});

Summary('in progress: the title counts the jobs done and the cost so far', () => {
  const report = checkRunReport(aDone, { logTails: {} });
  assert.equal([report.status, report.conclusion, report.title], ['in_progress', null, 'Running: 1 of 3 jobs done · $0.000206 so far']);
  assert.ok(report.summary.includes('**RUNNING** so far in 31s'));
  assert.ok(report.summary.includes('**Total cost so far: $0.000206**'));
  assert.equal(checkRunReport(planned, { logTails: {} }).title, 'Queued: 3 jobs, 2 image builds');
});

Summary('the log of a failed job is its failed attempt\'s essential container\'s stream', () => {
  assert.equal(failedJobLogs(failedB(false)), [{ job: 'b', stream: logStreamName(logStreamPrefix(RUN, 'small', 'b'), 'main', taskArn(7)) }]);
  assert.equal(failedJobLogs(aDone), []);
});

Summary('a fence is longer than any backtick run in its text', () => {
  assert.is(mdFence(['a ``````` b']), '````````text\na ``````` b\n````````');
});

Summary('the run\'s inputs are in the header, as its jobs read them; a run without inputs shows none', () => {
  const withInputs = stateAfter([{ ...r, inputs: { date: '2026-12-01', dry_run: true, shards: 4, note: 'a | b *c*' } }]);
  const head = checkRunReport(withInputs, { logTails: {} }).summary.split('\n\n').slice(0, 2);
  assert.is(head[1], 'Inputs: date = "2026-12-01", dry\\_run = true, shards = 4, note = "a \\| b \\*c\\*"');
  assert.not.match(checkRunReport(planned, { logTails: {} }).summary, /Inputs:/);
});

const Pacing = suite('when a check is sent again');

Pacing('the first report and every change of status go at once; the end always; other changes wait a few seconds', () => {
  const q = checkRunReport(planned, { logTails: {} });
  const p = checkRunReport(running, { logTails: {} });
  const p2 = checkRunReport(aDone, { logTails: {} });
  const done = checkRunReport({ ...aDone, status: 'SUCCEEDED', finishedAt: T0 + 40_000 }, { logTails: {} });
  assert.is(checkSendDecision(null, q, T0), 'send');
  const sentQ = { status: q.status, digest: checkReportDigest(q), at: T0 };
  assert.is(checkSendDecision(sentQ, q, T0 + 60_000), 'unchanged');
  assert.is(checkSendDecision(sentQ, p, T0 + 1), 'send');
  const sentP = { status: p.status, digest: checkReportDigest(p), at: T0 + 1 };
  assert.is(checkSendDecision(sentP, p2, T0 + checkUpdateEveryMs), 'later');
  assert.is(checkSendDecision(sentP, p2, T0 + 1 + checkUpdateEveryMs), 'send');
  assert.is(checkSendDecision(sentP, done, T0 + 2), 'send');
});

Status.run();
Summary.run();
Pacing.run();
