// A run request an embedder built by hand with a field missing or of the wrong type: the run ends
// FAILED at once with a reason naming the field, and the diagnostics say the same; nothing runs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent } from '../../src/run/events.js';
import { reduce } from '../../src/run/reduce.js';
import { runRequestShapeProblem } from '../../src/run/request-shape.js';
import { initialState } from '../../src/run/state.js';
import { request, RUN, T0 } from './support.js';

const r = request();
const job0 = r.workflow.jobs[0]!;
const cases: readonly (readonly [string, unknown, string])[] = [
  ['workflow.jobs missing', { ...r, workflow: { ...r.workflow, jobs: undefined } }, 'RunRequested: "workflow.jobs" must be array, not missing'],
  ['a job is null', { ...r, workflow: { ...r.workflow, jobs: [null] } }, 'RunRequested: "workflow.jobs[0]" must be object, not null'],
  ['a job without its task definition', { ...r, workflow: { ...r.workflow, jobs: [{ ...job0, taskDefinition: undefined }] } }, 'RunRequested: "workflow.jobs[0].taskDefinition" must be object, not missing'],
  ['concurrency as text', { ...r, workflow: { ...r.workflow, jobs: [{ ...job0, concurrency: '2' }] } }, 'RunRequested: "workflow.jobs[0].concurrency" must be number, not string'],
  ['settings empty', { ...r, settings: {} }, 'RunRequested: "settings.render" must be object, not missing'],
  ['plan job without images', { ...r, plan: { ...r.plan, jobs: [{ name: 'a' }] } }, 'RunRequested: "plan.jobs[0].images" must be array, not missing'],
  ['reuse missing', { ...r, reuse: undefined }, 'RunRequested: "reuse" must be array, not missing'],
];

const it = suite('a malformed run request');

for (const [name, event, problem] of cases) {
  it(`${name}: the run ends FAILED naming the field`, () => {
    const [s, commands] = reduce(initialState(), event as RunEvent);
    assert.equal([s.runId, s.status, s.failure, s.finishedAt], [RUN, 'FAILED', `the run cannot start: ${problem}`, T0]);
    assert.equal(s.diagnostics.recent.map((d) => [d.code, d.detail]), [['InvalidRequest', problem]]);
    assert.equal(commands, []);
    assert.is(runRequestShapeProblem(event), problem);
  });
}

it('a well-formed request has no problem', () => {
  assert.is(runRequestShapeProblem(r), undefined);
});

it('a request with no run id is only a diagnostic: there is no run to end', () => {
  const [s] = reduce(initialState(), { ...r, runId: undefined } as unknown as RunEvent);
  assert.equal([s.runId, s.status, s.diagnostics.recent.map((d) => [d.code, d.detail])], [null, 'PENDING', [['InvalidRequest', 'RunRequested: "runId" must be string, not missing']]]);
});

it.run();
