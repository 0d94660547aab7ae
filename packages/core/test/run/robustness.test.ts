import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { taskLaunchAccepted, tick } from '../../src/run/constructors.js';
import type { RunEvent } from '../../src/run/events.js';
import { eventIdentity } from '../../src/run/diagnostics.js';
import { reduce } from '../../src/run/reduce.js';
import { diagnosticsSeenKept, initialState, type RunState } from '../../src/run/state.js';
import { simulate } from '../../src/sim/simulate.js';
import { syntheticRunRequested } from '../../src/sim/workflow.js';
import { arnOf, request, RUN, stateAfter, step, T0, taskArn } from './support.js';

const Diagnostics = suite('diagnostics');

Diagnostics('an event before the request is counted and ignored; the clock does not move', () => {
  const e = taskLaunchAccepted(T0, 'hyperp-x', taskArn(1));
  assert.equal(step(initialState(), e), [{
    ...initialState(),
    diagnostics: { ignored: 1, byCode: { BeforeRunRequested: 1 }, recent: [{ at: T0, code: 'BeforeRunRequested', event: 'TaskLaunchAccepted', detail: 'no RunRequested has been applied' }], seen: [eventIdentity(e)] },
  }, []]);
});

Diagnostics('a task nobody started is counted; the run goes on', () => {
  const s0 = stateAfter([request()]);
  const e = taskLaunchAccepted(T0 + 5, 'hyperp-unknown', taskArn(1));
  const [s1, c1] = step(s0, e);
  assert.equal([s1, c1], [{
    ...s0, now: T0 + 5,
    diagnostics: { ignored: 1, byCode: { UnknownTask: 1 }, recent: [{ at: T0 + 5, code: 'UnknownTask', event: 'TaskLaunchAccepted', detail: 'no task or build of this run was started by "hyperp-unknown"' }], seen: [eventIdentity(e)] },
  }, []]);
});

Diagnostics('an event without a usable time is counted, not applied', () => {
  const s0 = stateAfter([request()]);
  const [s1] = step(s0, tick(Number.NaN));
  assert.equal([s1.now, s1.diagnostics.byCode], [T0, { ImpossibleEvent: 1 }]);
});

Diagnostics('an ignored event delivered again is counted once, however its fields are ordered and whatever came between', () => {
  const s0 = stateAfter([request()]);
  const e = taskLaunchAccepted(T0 + 5, 'hyperp-unknown', taskArn(1));
  const other = taskLaunchAccepted(T0 + 6, 'hyperp-other', taskArn(2));
  // the same event as a store that does not keep key order gives it back
  const reordered = Object.fromEntries(Object.entries(e).reverse()) as unknown as RunEvent;
  const [s1] = step(s0, e);
  const s3 = [other, e, reordered].reduce((s, x) => step(s, x)[0], s1);
  assert.equal([s3.diagnostics.ignored, s3.diagnostics.byCode, s3.diagnostics.recent.map((d) => d.at)], [2, { UnknownTask: 2 }, [T0 + 5, T0 + 6]]);
  // a later observation of the same task is another event
  const [s4] = step(s3, taskLaunchAccepted(T0 + 7, 'hyperp-unknown', taskArn(1)));
  assert.is(s4.diagnostics.ignored, 3);
});

Diagnostics(`repeats are recognised among the last ${diagnosticsSeenKept} distinct ignored events; older ones count again`, () => {
  let s = stateAfter([request()]);
  const first = taskLaunchAccepted(T0, 'hyperp-first', taskArn(1));
  s = step(s, first)[0];
  for (let i = 1; i < diagnosticsSeenKept; i++) s = step(s, taskLaunchAccepted(T0 + i, `hyperp-${i}`, taskArn(1)))[0];
  assert.equal([s.diagnostics.ignored, step(s, first)[0].diagnostics.ignored], [diagnosticsSeenKept, diagnosticsSeenKept]);
  s = step(s, taskLaunchAccepted(T0 + diagnosticsSeenKept, 'hyperp-last', taskArn(1)))[0];
  const again = step(s, first)[0];
  assert.equal([again.diagnostics.ignored, again.diagnostics.seen.length], [diagnosticsSeenKept + 2, diagnosticsSeenKept]);
});

Diagnostics('only the last 20 diagnostics are kept, all are counted', () => {
  let s = initialState();
  for (let i = 0; i < 25; i++) s = step(s, taskLaunchAccepted(i, `x${i}`, 'arn'))[0];
  assert.equal([s.diagnostics.ignored, s.diagnostics.recent.length, s.diagnostics.recent[0]!.at, s.diagnostics.recent[19]!.at], [25, 20, 5, 24]);
});

Diagnostics('a registration after the run ended is deregistered at once', () => {
  const w = { name: 'one', jobs: [{ name: 'x', imageAction: 'reuse' as const }] };
  const s0 = stateAfter([syntheticRunRequested(w, { runId: RUN, at: T0 }), { _tag: 'CancelRequested', at: T0 + 1, reason: 'no', by: null }]);
  assert.equal(s0.status, 'CANCELLED');
  const [s1, c1] = step(s0, { _tag: 'TaskDefinitionRegistered', at: T0 + 2, job: 'x', taskDefinitionArn: arnOf('x') });
  assert.equal(c1, [{ _tag: 'DeregisterTaskDefinitions', runId: RUN, taskDefinitionArns: [arnOf('x')] }]);
  assert.equal([s1.status, s1.diagnostics.byCode], ['CANCELLED', { AfterRunFinished: 1 }]);
  assert.equal(step(s1, { _tag: 'TaskDefinitionRegistered', at: T0 + 2, job: 'x', taskDefinitionArn: arnOf('x') }), [s1, []]);
});

const Properties = suite('properties of reduce');

const anyEvent: fc.Arbitrary<RunEvent> = fc.record({
  _tag: fc.constantFrom('DirectoriesEnsured', 'DirectoriesFailed', 'TaskDefinitionRegistered', 'TaskDefinitionRejected', 'ImageBuildStarted',
    'ImageBuildSucceeded', 'ImageBuildFailed', 'TaskLaunchAccepted', 'TaskLaunchRejected', 'TaskStateObserved', 'DownloadableReady',
    'DownloadableFailed', 'CancelRequested', 'Tick', 'Nonsense'),
  at: fc.oneof(fc.integer({ min: T0, max: T0 + 1e6 }), fc.constant(Number.NaN)),
  job: fc.constantFrom('a', 'b', 'c', 'zz'),
  key: fc.string(),
  startedBy: fc.string(),
  taskArn: fc.string(),
  reason: fc.string(),
  retryable: fc.boolean(),
  lastStatus: fc.constantFrom('RUNNING', 'STOPPED', 'PENDING'),
  containers: fc.array(fc.record({ name: fc.constantFrom('main', 'x'), exitCode: fc.option(fc.integer({ min: 0, max: 3 })), reason: fc.constant(null) })),
}, { requiredKeys: ['_tag', 'at'] }) as unknown as fc.Arbitrary<RunEvent>;

Properties('never throws, whatever arrives', () => {
  fc.assert(fc.property(fc.array(anyEvent, { maxLength: 30 }), (events) => {
    let s: RunState = stateAfter([request()]);
    for (const e of events) s = reduce(s, e)[0];
    return s.runId === RUN;
  }), { numRuns: 150 });
});

const histories = fc.record({ seed: fc.integer(), width: fc.integer({ min: 1, max: 4 }), fail: fc.boolean() }).map(({ seed, width, fail }) => simulate({
  seed,
  request: syntheticRunRequested({ name: 'h', jobs: [{ name: 'a', concurrency: width, retries: 1 }, { name: 'b', dependsOn: ['a'], downloadable: true }, { name: 'c', timeoutSeconds: 30 }] }, { runId: RUN, at: T0 }),
  model: { startLatencyMs: 500, buildMs: () => 2000, task: (job, index, attempt) => ({ durationMs: job === 'c' ? 60_000 : 3000, exitCode: fail && index === 1 && attempt === 1 ? 1 : 0 }) },
  faults: { duplicate: 0.2, delay: 0.2, maxDelayMs: 3000, crash: 0.1 },
  recordHistory: true,
}).history);

Properties('an event applied twice in a row changes nothing the second time, diagnostics included', () => {
  fc.assert(fc.property(histories, (history) => {
    let s = initialState();
    for (const e of history) {
      const [s1] = reduce(s, e);
      const [s2, c2] = reduce(s1, e);
      assert.equal([s2, c2], [s1, []]);
      s = s1;
    }
  }), { numRuns: 40 });
});

Properties('the whole history delivered again after the end counts each event once, however often it comes', () => {
  fc.assert(fc.property(histories, fc.integer({ min: 2, max: 4 }), (history, times) => {
    const ended = history.reduce((s, e) => reduce(s, e)[0], initialState());
    const once = history.reduce((s, e) => reduce(s, e)[0], ended);
    let again = once;
    for (let i = 1; i < times; i++) again = history.reduce((s, e) => reduce(s, e)[0], again);
    assert.equal(again.diagnostics, once.diagnostics);
  }), { numRuns: 20 });
});

Properties('a state that went through JSON reduces exactly like the original (adapters store it as JSON)', () => {
  const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
  fc.assert(fc.property(histories, (history) => {
    let s = initialState();
    for (const e of history) {
      const [a, ca] = reduce(s, e);
      const [b, cb] = reduce(json(s), json(e));
      assert.equal([json(b), json(cb)], [json(a), json(ca)]);
      s = a;
    }
  }), { numRuns: 25 });
});

Diagnostics.run();
Properties.run();
