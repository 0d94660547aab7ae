// Codecs at an embedder's boundary: every event and command a real run produces decodes as it
// is; a wrong field is named; a stored state of an older format upgrades, a newer one is refused.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeCommand, decodeRunEvent, decodeRunState } from '../../src/run/codecs.js';
import { STATE_FORMAT_VERSION, upgradeRunState } from '../../src/run/state-format.js';
import { reduce } from '../../src/run/reduce.js';
import { initialState, type RunState } from '../../src/run/state.js';
import type { Command } from '../../src/run/commands.js';
import type { RunEvent } from '../../src/run/events.js';
import { taskStopped } from '../../src/run/constructors.js';
import { simulate } from '../../src/sim/simulate.js';
import { syntheticRunRequested } from '../../src/sim/workflow.js';
import { T0 } from './support.js';

const it = suite('codecs');

// One history with builds, retries, duplicates and a failure: its events, and the commands they produce.
const request = syntheticRunRequested(
  { name: 'codecs', jobs: [{ name: 'a' }, { name: 'b', dependsOn: ['a'], concurrency: 2, retries: 1 }, { name: 'c', downloadable: true }] },
  { runId: 'run-1', at: T0 },
);
const sim = simulate({
  seed: 3, request, recordHistory: true, faults: { duplicate: 0.2, delay: 0.2, maxDelayMs: 2000, crash: 0 },
  model: { startLatencyMs: 500, buildMs: () => 2000, task: (job, index) => ({ durationMs: 3000, exitCode: job === 'b' && index === 2 ? 1 : 0 }) },
});
const json = <T>(x: T): unknown => JSON.parse(JSON.stringify(x));
const states: RunState[] = [];
const commands: Command[] = [];
sim.history.reduce((s, e) => {
  const [next, cs] = reduce(s, e);
  states.push(next);
  commands.push(...cs);
  return next;
}, initialState());
const midRun = states[Math.floor(states.length / 2)]!;

it('every event and command of a run, and its state at every step, decode unchanged after JSON', () => {
  assert.ok(sim.history.length > 20 && new Set(commands.map((c) => c._tag)).size >= 7, 'the history is varied');
  for (const e of sim.history) assert.equal(decodeRunEvent(json(e)), { ok: true, value: json(e) }, e._tag);
  for (const c of commands) assert.equal(decodeCommand(json(c)), { ok: true, value: json(c) }, c._tag);
  for (const s of [initialState(), midRun, states.at(-1)!]) assert.equal(decodeRunState(json(s)), { ok: true, value: json(s) });
});

it('a wrong field of an event is named, with what was expected and what came', () => {
  const stopped = json(taskStopped(T0, 'hyperp-abc', 'arn:task/1', { main: 0 })) as Record<string, unknown>;
  const bad = { ...stopped, containers: [{ name: 'main', exitCode: '0', reason: null }] };
  assert.equal(decodeRunEvent(bad), { ok: false, issues: [{ field: 'containers[0].exitCode', message: 'containers[0].exitCode must be a number or empty, not "0"' }] });
  const { startedBy: _, ...missing } = stopped;
  assert.equal(decodeRunEvent(missing), { ok: false, issues: [{ field: 'startedBy', message: 'startedBy is required (a string)' }] });
  const status = decodeRunEvent({ ...stopped, lastStatus: 'GONE' });
  assert.equal(!status.ok && status.issues.map((i) => i.field), ['lastStatus']);
  const unknown = decodeRunEvent({ _tag: 'TaskFinished', at: T0 });
  assert.equal(!unknown.ok && unknown.issues.map((i) => i.field), ['_tag']);
  assert.match(!unknown.ok ? unknown.issues[0]!.message : '', '"TaskFinished" is not a known run event (one of RunRequested, ');
  assert.equal(decodeRunEvent([]), { ok: false, issues: [{ field: '', message: 'a run event is a JSON object, not a list' }] });
});

it('a request is checked below its top level, naming the field', () => {
  const r = json(request) as { workflow: { jobs: Record<string, unknown>[] } };
  r.workflow.jobs[1]!['concurrency'] = '2';
  const d = decodeRunEvent(r);
  assert.equal(!d.ok && d.issues.map((i) => i.field), ['workflow.jobs[1].concurrency']);
});

it('a wrong field of a command is named, also inside a CommandFailed', () => {
  const runTask = json(commands.find((c) => c._tag === 'RunTask')) as Record<string, unknown>;
  assert.equal(decodeCommand({ ...runTask, index: '1' }), { ok: false, issues: [{ field: 'index', message: 'index must be a number, not "1"' }] });
  const failed = decodeRunEvent({ _tag: 'CommandFailed', at: T0, command: { ...runTask, tags: [{ key: 'a' }] }, failure: 'permanent', reason: 'x' });
  assert.equal(!failed.ok && failed.issues, [{ field: 'command.tags[0].value', message: 'tags[0].value is required (a string)' }]);
});

it('a state of the format before versions upgrades to this one and folds on exactly like the original', () => {
  const { formatVersion: _, ...old } = json(midRun) as Record<string, unknown>;
  const decoded = decodeRunState(old);
  assert.ok(decoded.ok);
  assert.is(decoded.ok && decoded.value.formatVersion, STATE_FORMAT_VERSION);
  const rest = sim.history.slice(Math.floor(states.length / 2) + 1);
  const end = (s: RunState) => rest.reduce((x, e) => reduce(x, e)[0], s);
  assert.equal(json(end(decoded.ok ? decoded.value : initialState())), json(states.at(-1)));
});

it('a state of a newer format is refused, saying which formats this version reads', () => {
  const newer = { ...(json(midRun) as object), formatVersion: STATE_FORMAT_VERSION + 1 };
  const r = decodeRunState(newer);
  assert.equal(!r.ok && r.issues.map((i) => i.field), ['formatVersion']);
  assert.match(!r.ok ? r.issues[0]!.message : '', `the state is of format ${STATE_FORMAT_VERSION + 1}, newer than format ${STATE_FORMAT_VERSION}`);
  assert.equal(upgradeRunState({ formatVersion: 'one' }), { ok: false, issues: [{ field: 'formatVersion', message: 'formatVersion must be a whole number, not "one"' }] });
});

it('a wrong field of a state is named, also inside its request', () => {
  const s = json(midRun) as Record<string, unknown>;
  assert.equal(decodeRunState({ ...s, status: 'DONE' }), {
    ok: false, issues: [{ field: 'status', message: 'status must be one of PENDING, BUILDING, RUNNING, SUCCEEDED, FAILED, CANCELLED, not "DONE"' }],
  });
  const r = decodeRunState({ ...s, request: { ...(s['request'] as object), branch: 7 } });
  assert.equal(!r.ok && r.issues.map((i) => i.field), ['request.branch']);
});

it.run();
