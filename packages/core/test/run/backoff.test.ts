// Retries back off exponentially (base × factor^(attempt−1), at most max), through wake-ups.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulate } from '../../src/sim/simulate.js';
import { syntheticRunRequested } from '../../src/sim/workflow.js';
import { vecToArray } from '../../src/run/vector.js';
import { defaultRetryBackoff } from '../../src/run/settings.js';

test('each retry waits twice as long as the one before, up to the maximum; the job fails after its last attempt', () => {
  const request = syntheticRunRequested({ jobs: [{ name: 'flaky', retries: 6 }] }, { at: 1_700_000_000_000 });
  const r = simulate({ seed: 7, request, model: { startLatencyMs: 0, buildMs: () => 1000, task: () => ({ durationMs: 500, exitCode: 1 }) } });
  const attempts = vecToArray(vecToArray(r.state.jobs)[0]!.tasks)[0]!.attempts;
  const waits = attempts.slice(1).map((a, k) => (a.launchedAt! - attempts[k]!.stoppedAt!) / 1000);
  assert.equal(defaultRetryBackoff, { baseSeconds: 10, factor: 2, maxSeconds: 300 });
  assert.equal(waits, [10, 20, 40, 80, 160, 300]);
  assert.equal([r.state.status, attempts.map((a) => a.outcome)], ['FAILED', Array(7).fill('FAILED')]);
});

test.run();
