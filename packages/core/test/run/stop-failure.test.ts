// When a stopped task succeeded: every essential container exited 0 on its own; nothing else counts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ContainerState, TaskStateObserved } from '../../src/run/events.js';
import { stopFailure } from '../../src/run/on-task-state.js';

const stopped = (containers: readonly ContainerState[], stopCode: string | null = 'EssentialContainerExited', stoppedReason: string | null = 'Essential container in task exited'): TaskStateObserved => ({
  _tag: 'TaskStateObserved', at: 1, startedBy: 'hyperp-x', taskArn: 'arn:t', lastStatus: 'STOPPED', containers, stopCode, stoppedReason,
  pullStartedAt: 0, startedAt: 0, stoppedAt: 1, cpu: 256, memory: 512, arch: 'x86_64', ephemeralStorageGiB: 20,
});
const c = (name: string, exitCode: number | null, reason: string | null = null): ContainerState => ({ name, exitCode, reason });

test('a side container that failed does not fail the task; only essential ones count', () => {
  assert.is(stopFailure(stopped([c('main', 0), c('side', 1)]), ['main']), null);
});

test('an essential container that exited non-zero fails it, named with its code', () => {
  assert.is(stopFailure(stopped([c('main', 0), c('db', 2)]), ['main', 'db']), 'container "db" exited with code 2');
});

test("an essential container killed for its memory fails it with ECS's reason beside the code", () => {
  assert.is(stopFailure(stopped([c('main', 137, 'OutOfMemoryError: Container killed due to memory usage')]), ['main']),
    'container "main" exited with code 137 (OutOfMemoryError: Container killed due to memory usage)');
});

test('an essential container with no exit code (killed, never started) fails it with the reasons ECS gave', () => {
  assert.is(stopFailure(stopped([c('main', null, 'OutOfMemoryError: Container killed due to memory usage')]), ['main']),
    'container "main" did not exit normally (EssentialContainerExited: OutOfMemoryError: Container killed due to memory usage)');
  assert.is(stopFailure(stopped([], 'EssentialContainerExited', null), ['main']), 'container "main" did not exit normally (EssentialContainerExited)');
});

test('a task that failed to start, or was stopped by someone, is not a success even when its containers exited 0', () => {
  assert.is(stopFailure(stopped([c('main', 0)], 'TaskFailedToStart', 'CannotPullContainerError: not found'), ['main']), 'the task failed to start: CannotPullContainerError: not found');
  assert.is(stopFailure(stopped([c('main', 0)], 'UserInitiated', 'stopped by an operator'), ['main']), 'the task was stopped: stopped by an operator');
});

test.run();
