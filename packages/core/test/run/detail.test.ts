// A run as a picture draws it (`hyperp ui`, locally and through the API): the critical path is
// the chain that decided when the run ended, through the dependency (or own image build) that
// finished last; fan-out counts come from each task's newest attempt; images carry the plan's
// reason; every attempt carries its times.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runDetail } from '../../src/run/detail.js';
import { initialState } from '../../src/run/state.js';
import { simulate } from '../../src/sim/simulate.js';
import { syntheticImageKey, syntheticRunRequested } from '../../src/sim/workflow.js';

const detailOf = (durations: Record<string, number>, builds: Record<string, number>, fail: (job: string, attempt: number) => boolean = () => false) => {
  const request = syntheticRunRequested({
    name: 'w',
    jobs: [
      { name: 'a' },
      { name: 'slow', dependsOn: ['a'], concurrency: 2, imageAction: 'reuse' },
      { name: 'quick', dependsOn: ['a'], retries: 1 },
      { name: 'last', dependsOn: ['slow', 'quick'], imageAction: 'reuse' },
    ],
  }, { runId: 'r1', at: 0 });
  const sim = simulate({
    seed: 1, request,
    model: {
      startLatencyMs: 1000,
      buildMs: (key) => builds[Object.keys(builds).find((k) => syntheticImageKey(k) === key) ?? ''] ?? 5000,
      task: (job, _index, attempt) => ({ durationMs: durations[job] ?? 1000, exitCode: fail(job, attempt) ? 1 : 0 }),
    },
  });
  return runDetail(sim.state);
};

const critical = (d: ReturnType<typeof detailOf>) => [d.jobs.filter((j) => j.critical).map((j) => j.name), d.images.filter((i) => i.critical).map((i) => i.jobs)];

test('the critical path follows the slower branch, back to the image build the first job waited for', () => {
  assert.equal(critical(detailOf({ slow: 60_000, quick: 1000 }, {})), [['a', 'slow', 'last'], [['a']]]);
  assert.equal(critical(detailOf({ slow: 1000, quick: 60_000 }, {})), [['a', 'quick', 'last'], [['a']]]);
});

test('a job whose own build finished after its dependencies has the build on its path, not the dependency', () => {
  // quick's image takes far longer than a: quick waited for its build, and that decided the end.
  const d = detailOf({ slow: 1000, quick: 30_000 }, { quick: 120_000 });
  assert.equal(critical(d), [['quick', 'last'], [['quick']]]);
});

test('fan-out counts take each task\'s newest attempt; images carry the plan\'s decision and reason; edges are the dependencies', () => {
  const d = detailOf({}, {}, (job, attempt) => job === 'quick' && attempt === 1);
  const quick = d.jobs.find((j) => j.name === 'quick')!;
  assert.equal([quick.status, quick.attempts.map((a) => [a.attempt, a.status]), quick.counts], ['SUCCEEDED', [[1, 'FAILED'], [2, 'SUCCEEDED']], { done: 1, failed: 0, running: 0, waiting: 0 }]);
  assert.equal(d.jobs.find((j) => j.name === 'slow')!.counts, { done: 2, failed: 0, running: 0, waiting: 0 });
  assert.equal(d.jobs.map((j) => [j.name, j.dependsOn]), [['a', []], ['slow', ['a']], ['quick', ['a']], ['last', ['slow', 'quick']]]);
  assert.equal(d.images.map((i) => [i.jobs, i.action, i.status]), [[['a'], 'build', 'BUILT'], [['slow'], 'reuse', 'REUSED'], [['quick'], 'build', 'BUILT'], [['last'], 'reuse', 'REUSED']]);
  assert.ok(d.images.every((i) => i.why !== ''), 'each image says why');
  assert.equal([d.runId, d.workflow, d.status, d.ended], ['r1', 'w', 'SUCCEEDED', true]);
});

test('every attempt has its times in order, its duration from them, and a retry starts after the attempt it retries', () => {
  const d = detailOf({ quick: 20_000 }, {}, (job, attempt) => job === 'quick' && attempt === 1);
  for (const j of d.jobs) {
    assert.ok(j.startedAt !== null && j.finishedAt !== null && j.startedAt <= j.finishedAt, `${j.name}: started and finished`);
    for (const a of j.attempts) {
      const where = `${j.name} #${a.index} attempt ${a.attempt}`;
      assert.ok(a.launchedAt !== null && a.runningAt !== null && a.stoppedAt !== null, `${where} has its times`);
      assert.ok(j.startedAt! <= a.launchedAt! && a.launchedAt! <= a.runningAt! && a.runningAt! < a.stoppedAt! && a.stoppedAt! <= j.finishedAt!, `${where}: in order`);
      assert.is(a.durationSeconds, (a.stoppedAt! - a.runningAt!) / 1000, where);
    }
  }
  const [first, retry] = d.jobs.find((j) => j.name === 'quick')!.attempts;
  assert.ok(retry!.launchedAt! >= first!.stoppedAt!, 'the retry is launched after the failed attempt stopped');
  assert.is(retry!.durationSeconds, 20, 'the modelled 20 s');
  assert.ok(d.now !== null && d.finishedAt !== null && d.now >= d.finishedAt);
});

test('a state before any request is an empty picture, not an error', () => {
  assert.equal(runDetail(initialState()), {
    runId: '', workflow: '', commit: '', branch: '', trigger: '', dirty: false, status: 'PENDING', ended: false, failure: null,
    costUsd: 0, buildsUsd: 0, requestedAt: null, finishedAt: null, now: 0, jobs: [], images: [],
  });
});

test.run();
