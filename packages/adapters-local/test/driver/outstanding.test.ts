import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initialState, reduce, type Command } from '@hyperp/core';
import { syntheticRunRequested } from '@hyperp/core/sim';
import { attemptKey, startedBy } from '@hyperp/core/internal';
import { outstandingCommands } from '../../src/driver/outstanding.js';

test('commands naming jobs or images the run does not have are not outstanding, whatever their names', () => {
  const [state, asked] = reduce(initialState(), syntheticRunRequested({ jobs: [{ name: 'a' }] }, { runId: 'r' }));
  const stop = (job: string): Command => {
    const key = attemptKey({ runId: 'r', job, index: 1, attempt: 1 });
    return { _tag: 'StopTask', runId: 'r', attemptKey: key, startedBy: startedBy(key), taskArn: null, reason: 'x' };
  };
  const strangers: Command[] = [
    stop('toString'), stop('constructor'), stop('b'),
    { _tag: 'CreateDownloadable', runId: 'r', job: '__proto__', sourcePath: 'p', bucket: 'b', objectKey: 'k' },
    { _tag: 'RegisterTaskDefinition', runId: 'r', job: 'hasOwnProperty', family: 'f', taskDefinition: {} as never, tags: [] },
  ];
  assert.equal(outstandingCommands(state, [...asked, ...strangers]), asked.filter((c) => c._tag !== 'SetCommitStatus'));
});

test.run();
