// A rerun's RunRequested, derived from the ended run: which jobs are reused from which run, which
// images are built again.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeRerunRefusal, rerunRequested, type RerunRefusal } from '../../src/run/rerun.js';
import { success, type Result } from '../../src/result.js';
import { initialState, type RunState } from '../../src/run/state.js';
import type { RunRequested } from '../../src/run/events.js';
import { vecToArray } from '../../src/run/vector.js';
import { simulate } from '../../src/sim/simulate.js';
import { syntheticImageKey, syntheticRunRequested, type SyntheticWorkflow } from '../../src/sim/workflow.js';
import { fold, T0 } from './support.js';

/** A refused rerun's reasons without their wording (tests of the wording say it apart). */
const refusals = (r: Result<RunRequested, RerunRefusal>) => (r.ok ? undefined : r.issues.map(({ message: _, ...rest }) => rest));

/** a → b → d, c alone (its image existed before the first run). */
const w: SyntheticWorkflow = {
  name: 'rr',
  jobs: [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }, { name: 'c', imageAction: 'reuse' }, { name: 'd', dependsOn: ['b'] }],
};

/** The run's end when the jobs named in `failing` exit 1. */
const ended = (request: RunRequested, failing: readonly string[]): RunState => {
  const r = simulate({
    seed: 1, request,
    model: { startLatencyMs: 1000, buildMs: () => 5000, task: (job) => ({ durationMs: 10_000, exitCode: failing.includes(job) ? 1 : 0 }) },
  });
  assert.ok(r.terminated);
  return r.state;
};

const first = syntheticRunRequested(w, { runId: 'run-1', at: T0 });
const key = syntheticImageKey;
const reuseReason = (image: string) => `reuse: key ${key(image).slice(0, 12)}… exists`;

const it = suite('rerunRequested');

it('with failedOnly, the jobs that succeeded are reused from the run that made their output; existing images are reused', () => {
  const from = ended(first, ['b']);
  const r = rerunRequested(from, { runId: 'run-2', at: T0 + 100_000, failedOnly: true, imageExists: (k) => k !== key('d') });
  const images = (name: string, action: 'build' | 'reuse', reason: string) => [{
    container: 'main', dockerfilePath: `jobs/${name}/Dockerfile`, context: `jobs/${name}`, key: key(name), action, reason, changedFiles: [],
  }];
  assert.equal(r, success({
    ...first,
    at: T0 + 100_000,
    runId: 'run-2',
    trigger: { kind: 'rerun', fromRunId: 'run-1', failedOnly: true },
    plan: {
      ...first.plan,
      jobs: [
        { name: 'a', action: 'reuse', images: images('a', 'reuse', reuseReason('a')) },
        { name: 'b', action: 'reuse', images: images('b', 'reuse', reuseReason('b')) },
        { name: 'c', action: 'reuse', images: images('c', 'reuse', reuseReason('c')) },
        // never built (its job was skipped): built now, as first planned
        { name: 'd', action: 'build', images: images('d', 'build', 'build: no earlier image') },
      ],
    },
    reuse: [{ job: 'a', runId: 'run-1' }, { job: 'c', runId: 'run-1' }],
  } satisfies RunRequested));
});

it('a rerun of a rerun reuses each output from the run that produced it', () => {
  const second = rerunRequested(ended(first, ['b']), { runId: 'run-2', at: T0 + 100_000, failedOnly: true, imageExists: () => true });
  if (!second.ok) throw new Error(second.issues.map(describeRerunRefusal).join('; '));
  const r = rerunRequested(ended(second.value, ['d']), { runId: 'run-3', at: T0 + 200_000, failedOnly: true, imageExists: () => true });
  assert.equal(r.ok && [r.value.trigger, r.value.reuse], ([
    { kind: 'rerun', fromRunId: 'run-2', failedOnly: true },
    [{ job: 'a', runId: 'run-1' }, { job: 'b', runId: 'run-2' }, { job: 'c', runId: 'run-1' }],
  ]));
  // the reducer takes them over: only d runs
  const [state] = fold([r.ok ? r.value : first]);
  assert.equal(vecToArray(state.jobs).map((j) => [j.name, j.status, j.outputRunId]), [
    ['a', 'SUCCEEDED', 'run-1'], ['b', 'SUCCEEDED', 'run-2'], ['c', 'SUCCEEDED', 'run-1'], ['d', 'READY', 'run-3'],
  ]);
});

it('without failedOnly every job runs again; an image that was planned reused but is gone is built', () => {
  const r = rerunRequested(ended(first, []), { runId: 'run-2', at: T0 + 1, failedOnly: false, imageExists: (k) => k === key('a') });
  assert.equal(r.ok && [r.value.trigger, r.value.reuse, r.value.plan.jobs.map((j) => [j.name, j.action, j.images.map((i) => i.reason)])], ([
    { kind: 'rerun', fromRunId: 'run-1', failedOnly: false },
    [],
    [
      ['a', 'reuse', [reuseReason('a')]],
      ['b', 'build', ['build: no earlier image']],
      ['c', 'build', [`build: image ${key('c').slice(0, 12)}… no longer exists`]],
      ['d', 'build', ['build: no earlier image']],
    ],
  ]));
});

it('a run with no request, or one that has not ended, is refused with a reason', () => {
  const none = rerunRequested(initialState(), { runId: 'run-2', at: T0, failedOnly: true, imageExists: () => true });
  const [running] = fold([first]);
  const active = rerunRequested(running, { runId: 'run-2', at: T0, failedOnly: true, imageExists: () => true });
  assert.equal([none, active].map(refusals), [[{ _tag: 'NoRequest' }], [{ _tag: 'NotEnded', runId: 'run-1', status: 'BUILDING' }]]);
  assert.equal([none, active].map((x) => (x.ok ? '' : x.issues.map((i) => i.message).join())), [
    'the run has no request to run again',
    'run run-1 is still BUILDING; wait for it to end or cancel it first',
  ]);
});

it('a failed-only rerun of a run whose jobs all succeeded is refused: it would run nothing', () => {
  const r = rerunRequested(ended(first, []), { runId: 'run-2', at: T0 + 1, failedOnly: true, imageExists: () => true });
  assert.equal(refusals(r), [{ _tag: 'NothingToRerun', runId: 'run-1' }]);
  assert.equal(!r.ok && describeRerunRefusal(r.issues[0]!), 'nothing to rerun: every job of run run-1 succeeded (a rerun of all its jobs runs them again)');
  assert.ok((rerunRequested(ended(first, []), { runId: 'run-2', at: T0 + 1, failedOnly: false, imageExists: () => true })).ok, 'a full rerun is still taken');
});

it("a rerun's commit status says how many jobs run and how many are reused", () => {
  const r = rerunRequested(ended(first, ['d']), { runId: 'run-2', at: T0 + 100_000, failedOnly: true, imageExists: () => true });
  const [, commands] = fold([r.ok ? r.value : first]);
  const status = commands.find((c) => c._tag === 'SetCommitStatus');
  assert.equal(status?._tag === 'SetCommitStatus' && status.description, 'running 1 job, reusing 3');
  const [, full] = fold([first]);
  const fullStatus = full.find((c) => c._tag === 'SetCommitStatus');
  assert.equal(fullStatus?._tag === 'SetCommitStatus' && fullStatus.description, 'running 4 jobs');
});

it.run();
