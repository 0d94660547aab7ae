// The web view's run: the critical path is the chain that decided when the run ended, through
// the dependency (or own image build) that finished last; fan-out counts come from each task's
// newest attempt; images carry the plan's reason.
import { localLayout, runView } from '@hyperp/adapters-local';
import { simulate, syntheticImageKey, syntheticRunRequested } from '@hyperp/core/sim';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { localRunDetail } from '../../src/ui/run-detail.js';

const layout = localLayout('/nonexistent/repo');
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
  return localRunDetail(sim.state, runView(sim.state, layout), undefined);
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
  assert.equal([d.status, d.ended, d.detailed], ['SUCCEEDED', true, true]);
});

test.run();
