import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jobNamed } from '../../src/run/lookup.js';
import { initialState } from '../../src/run/state.js';
import { simulate } from '../../src/sim/simulate.js';
import { syntheticRunRequested } from '../../src/sim/workflow.js';
import { RUN, T0 } from './support.js';

const finished = (names: readonly string[]) => simulate({
  seed: 1,
  request: syntheticRunRequested({ name: 'w', jobs: names.map((name) => ({ name })) }, { runId: RUN, at: T0 }),
  model: { startLatencyMs: 10, buildMs: () => 100, task: () => ({ durationMs: 100, exitCode: 0 }) },
}).state;

test('finds a job by name with its index', () => {
  const state = finished(['a', 'b']);
  const b = jobNamed(state, 'b');
  assert.equal([b?.j, b?.job.name, b?.job.status], [1, 'b', 'SUCCEEDED']);
});

test('names that are object properties are not jobs unless the run has them', () => {
  const state = finished(['a']);
  assert.equal(['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((n) => jobNamed(state, n)), [undefined, undefined, undefined, undefined]);
  assert.is(jobNamed(finished(['constructor']), 'constructor')?.job.name, 'constructor');
});

test('a state with no run has no jobs', () => {
  assert.is(jobNamed(initialState(), 'a'), undefined);
});

test.run();
