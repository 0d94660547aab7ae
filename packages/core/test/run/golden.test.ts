// Golden replays: recorded histories of the calculator replayed to their exact final states.
// To re-record after an intended change in behaviour: HYPERP_RECORD_HISTORIES=1 pnpm test golden
// (then review the diff of fixtures/histories/ like any other change).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../src/run/events.js';
import { reduceAll } from '../../src/run/reduce.js';
import { initialState, type RunState } from '../../src/run/state.js';
import { vecToArray } from '../../src/run/vector.js';
import { record, scenarios } from './histories.js';

const dir = new URL('../../../../fixtures/histories', import.meta.url).pathname;
const recording = process.env.HYPERP_RECORD_HISTORIES === '1';
const json = (x: unknown): string => `${JSON.stringify(x, null, 1)}\n`;

interface History { readonly description: string; readonly events: readonly RunEvent[] }

const Golden = suite('golden histories');

const summary = (s: RunState) => ({
  status: s.status,
  jobs: vecToArray(s.jobs).map((j) => `${j.name}: ${j.status}${j.reason === null ? '' : ` (${j.reason})`}`),
});

const expectedSummaries: Record<string, ReturnType<typeof summary>> = {
  'calculator-success': { status: 'SUCCEEDED', jobs: ['Generate x: SUCCEEDED', 'x * y: SUCCEEDED', 'x / z: SUCCEEDED', '(x * y) + (x / z): SUCCEEDED'] },
  'failure-skips-dependents': {
    status: 'FAILED',
    jobs: ['Generate x: SUCCEEDED', 'x * y: FAILED (task 2: container "multiply" exited with code 1)', 'x / z: SUCCEEDED', '(x * y) + (x / z): SKIPPED (upstream job "x * y" failed)'],
  },
  retry: { status: 'SUCCEEDED', jobs: ['Generate x: SUCCEEDED', 'x * y: SUCCEEDED', 'x / z: SUCCEEDED', '(x * y) + (x / z): SUCCEEDED'] },
  timeout: {
    status: 'FAILED',
    jobs: ['Generate x: FAILED (task 1: timed out after 60 s)', 'x * y: SKIPPED (upstream job "Generate x" failed)', 'x / z: SKIPPED (upstream job "Generate x" failed)', '(x * y) + (x / z): SKIPPED (upstream job "Generate x" failed)'],
  },
  cancel: {
    status: 'CANCELLED',
    jobs: ['Generate x: SUCCEEDED', 'x * y: CANCELLED (cancelled: simulated cancel)', 'x / z: CANCELLED (cancelled: simulated cancel)', '(x * y) + (x / z): SKIPPED (cancelled: simulated cancel)'],
  },
};

for (const s of scenarios) {
  const eventsFile = join(dir, `${s.name}.json`);
  const finalFile = join(dir, `${s.name}.final.json`);
  if (recording) {
    const r = record(s);
    writeFileSync(eventsFile, json({ description: s.description, events: r.history }));
    writeFileSync(finalFile, json(r.state));
  }
  Golden(`${s.name}: ${s.description}`, () => {
    assert.ok(existsSync(eventsFile) && existsSync(finalFile), `record the history first: HYPERP_RECORD_HISTORIES=1 pnpm test golden`);
    const history = JSON.parse(readFileSync(eventsFile, 'utf8')) as History;
    const [state] = reduceAll(initialState(), history.events);
    assert.equal(JSON.parse(JSON.stringify(state)), JSON.parse(readFileSync(finalFile, 'utf8')));
    assert.equal(summary(state), expectedSummaries[s.name]);
  });
}

Golden('the recorded histories hold duplicated and reordered deliveries', () => {
  const history = JSON.parse(readFileSync(join(dir, 'calculator-success.json'), 'utf8')) as History;
  const seen = new Set<string>();
  let duplicates = 0;
  let late = 0;
  let latest = 0;
  for (const e of history.events) {
    const k = JSON.stringify(e);
    if (seen.has(k)) duplicates++;
    seen.add(k);
    if (e.at < latest) late++;
    latest = Math.max(latest, e.at);
  }
  assert.ok(duplicates > 0 && late > 0, `duplicates ${duplicates}, late ${late}`);
});

Golden.run();
