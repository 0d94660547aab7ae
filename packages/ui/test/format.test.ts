// The web view's counts read as English: "1 retry", "1 line", never "1 retries".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { count } from '../src/format.js';

test('count: one, none, many, and a noun of its own plural', () => {
  assert.equal([count(1, 'retry', 'retries'), count(2, 'retry', 'retries'), count(1, 'line'), count(0, 'line'), count(1, 'file')], ['1 retry', '2 retries', '1 line', '0 lines', '1 file']);
});

test.run();
