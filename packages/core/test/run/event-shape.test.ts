// The shape check that tells a run event from a damaged log line: every recorded event passes
// it, and what is not an event is named.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../src/run/events.js';
import { runEventShapeProblem } from '../../src/run/event-shape.js';

const dir = new URL('../../../../fixtures/histories', import.meta.url).pathname;
const Shape = suite('runEventShapeProblem');

Shape('every event of the recorded histories has an event shape', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.final.json'));
  assert.ok(files.length > 0);
  for (const f of files) {
    const { events } = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { events: RunEvent[] };
    for (const e of events) assert.is(runEventShapeProblem(e), undefined, `${f}: ${JSON.stringify(e).slice(0, 120)}`);
  }
});

Shape('values that are not events are named', () => {
  assert.equal(
    [null, 7, [], '"x"', {}, { _tag: 'Nope', at: 1 }, { _tag: 'Tick' }, { _tag: 'Tick', at: 'soon' }, { _tag: 'CancelRequested', at: 1, reason: 'r' }, { _tag: 'DownloadableReady', at: 1, job: 'j', location: 'l', bytes: null }].map(runEventShapeProblem),
    [
      'a run event is a JSON object, not null',
      'a run event is a JSON object, not number',
      'a run event is a JSON object, not array',
      'a run event is a JSON object, not string',
      'no known event "_tag" (undefined)',
      'no known event "_tag" ("Nope")',
      'Tick: "at" must be a number of milliseconds, not undefined',
      'Tick: "at" must be a number of milliseconds, not string',
      'CancelRequested: "by" must be string or null, not missing',
      'DownloadableReady: "bytes" must be number, not null',
    ],
  );
});

Shape.run();
