import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newRunId } from '../src/layout.js';

test('run ids are path-safe and sort by creation time', () => {
  const a = newRunId(new Date(Date.UTC(2026, 10, 22, 7, 5, 9, 42)), () => 0.5);
  assert.is(a, '20261122-070509042-8000');
  const b = newRunId(new Date(Date.UTC(2026, 10, 22, 7, 5, 9, 43)), () => 0);
  assert.ok(a < b);
  assert.match(b, /^[0-9A-Za-z-]+$/);
});

test.run();
