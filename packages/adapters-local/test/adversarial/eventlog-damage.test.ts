// A run's event log damaged on disk (NUL blocks after a crash, `null`, garbage, values that are
// not events) and events that have no JSON line: damage is skipped and reported by line number,
// never folded and never fatal; a driver refuses a damaged log unless told to accept it; a run
// whose first event cannot be written leaves nothing behind.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunRequested } from '@hyperp/core';
import { syntheticRunRequested } from '@hyperp/core/sim';
import { appendLog, encodeLines, readLog, UnwritableEventError } from '../../src/store/event-log.js';
import { DamagedLogError, driveRun, foldRun, readRunLog } from '../../src/driver/drive.js';
import { eventsFile, listRunIds, localLayout, runDir } from '../../src/layout.js';
import { openRun, openRuns } from '../../src/runs/start.js';
import type { Engine } from '../../src/engine/types.js';
import { tempDir } from '../temp.js';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const request = (runId: string): RunRequested => syntheticRunRequested({ name: 'w', jobs: [{ name: 'a' }, { name: 'b', dependsOn: ['a'] }] }, { runId, at: T0, commit: 'c0ffee' });

/** A log of a run that got as far as its folders: request, then DirectoriesEnsured, then a Tick. */
const logWith = async (middle: Buffer | string): Promise<{ layout: ReturnType<typeof localLayout>; path: string }> => {
  const layout = localLayout(tempDir('hyperp-damage-'));
  await openRun(layout, request('r1'));
  const path = eventsFile(layout, 'r1');
  await appendLog(path, [{ _tag: 'DirectoriesEnsured', at: T0 + 1 }]);
  writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from(middle), Buffer.from('\n')]));
  await appendLog(path, [{ _tag: 'Tick', at: T0 + 2 }]);
  return { layout, path };
};

const damage = suite('event log: damaged lines');

damage('a line of NUL bytes mid-log is a damaged line, reported by number', async () => {
  const { path } = await logWith(Buffer.alloc(48, 0));
  const r = readRunLog(path);
  assert.equal([r.events.map((e) => e._tag), r.badLines, r.tornTail], [['RunRequested', 'DirectoriesEnsured', 'Tick'], [3], false]);
});

for (const [what, line] of [['null', 'null'], ['a number', '42'], ['a list', '[1,2]'], ['a string', '"Tick"'], ['garbage', 'not json {'],
  ['an object with no _tag', '{"at":1}'], ['an unknown _tag', '{"_tag":"Nope","at":1}'], ['an event without its time', '{"_tag":"Tick"}'],
  ['an event with a field of the wrong type', '{"_tag":"TaskLaunchAccepted","at":1,"startedBy":7,"taskArn":"x"}']] as const) {
  damage(`${what} is a damaged line, not an event`, async () => {
    const { path, layout } = await logWith(line);
    assert.equal(readRunLog(path).badLines, [3]);
    // The fold never sees it: no TypeError, no diagnostic from it, the state as without the line.
    const folded = foldRun(layout, 'r1');
    assert.equal(folded.damagedLines, [3]);
    assert.is(folded.events, 3);
    assert.is(folded.state.diagnostics.recent.length, 0);
  });
}

damage('a torn last line is not damage, and line numbers count blank lines', async () => {
  const { path } = await logWith('');
  writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from('{"_tag":"Tick","at":')]));
  const r = readRunLog(path);
  assert.equal([r.badLines, r.tornTail, r.nextLine], [[], true, 5]);
  writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from('9}\nnull\n')]));
  // Reading on from where the first read stopped numbers the lines as the file has them.
  assert.equal(readRunLog(path, r.offset, r.nextLine).badLines, [6]);
});

damage('readLog without a check keeps every JSON value (the store stays generic)', async () => {
  const { path } = await logWith('null');
  assert.equal(readLog(path).badLines, []);
});

const fakeEngine = { name: 'process' } as unknown as Engine;

damage('driving a damaged log is refused unless accepted, before anything is carried out', async () => {
  const { layout, path } = await logWith(Buffer.alloc(10, 0));
  const before = readFileSync(path);
  const err = await driveRun({ layout, runId: 'r1', engine: fakeEngine, parallel: 1, network: false, source: { context: () => ({ error: 'unused' }) } })
    .then(() => undefined, (e: unknown) => e);
  assert.instance(err, DamagedLogError);
  assert.equal((err as DamagedLogError).lines, [3]);
  assert.is((err as Error).message, `${path} has 1 damaged line (line 3) skipped: what they recorded is lost, and going on could run finished tasks again`);
  assert.equal(readFileSync(path), before);
  assert.not.ok(existsSync(join(runDir(layout, 'r1'), 'driver.lock')));
});

const write = suite('event log: events with no JSON line');

const deep = (n: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

write('a too deeply nested event is a clear error, and nothing is written', async () => {
  const path = join(tempDir('hyperp-unwritable-'), 'run', 'events.jsonl');
  await appendLog(path, [{ _tag: 'Tick', at: 1 }]);
  const before = readFileSync(path, 'utf8');
  const err = await appendLog(path, [{ _tag: 'Tick', at: 2 }, { _tag: 'RunRequested', at: 3, deep: deep(20_000) }]).then(() => undefined, (e: unknown) => e);
  assert.instance(err, UnwritableEventError);
  assert.is((err as Error).message, 'event 2 of 2 (RunRequested) cannot be written to the event log: it is nested too deeply');
  assert.is(readFileSync(path, 'utf8'), before);
});

write('a BigInt, a cycle or no value at all are clear errors too', () => {
  const cycle: Record<string, unknown> = { _tag: 'Tick' };
  cycle['self'] = cycle;
  for (const [e, why] of [[{ _tag: 'Tick', at: 1n }, 'Do not know how to serialize a BigInt'], [undefined, 'it has no JSON form']] as const) {
    assert.throws(() => encodeLines([e]), (x: Error) => x instanceof UnwritableEventError && x.message.endsWith(why));
  }
  assert.throws(() => encodeLines([cycle]), (x: Error) => x instanceof UnwritableEventError && x.message.startsWith('event 1 of 1 (Tick) cannot be written to the event log: Converting circular structure'));
});

write('a run whose first event cannot be written leaves no run folder, and opens no other run of the batch', async () => {
  const layout = localLayout(tempDir('hyperp-open-'));
  const bad = { ...request('r2'), workflow: { ...request('r2').workflow, description: deep(20_000) } } as unknown as RunRequested;
  const err = await openRuns(layout, [request('r1'), bad]).then(() => undefined, (e: unknown) => e);
  assert.instance(err, UnwritableEventError);
  assert.equal(listRunIds(layout), []);
  assert.equal(existsSync(layout.runsDir) ? readdirSync(layout.runsDir) : [], []);
});

damage.run();
write.run();
