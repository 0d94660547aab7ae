// The limits a host cannot enforce are named once per run (not per task), and a container's
// reason (ECS's OutOfMemoryError…) reaches the task's STOPPED state and the job's failure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type RunEvent, type RunTask, type TaskDefinition, type TaskStateObserved } from '@hyperp/core';
import { interpreter } from '../../src/driver/interpreter.js';
import { localLayout } from '../../src/layout.js';
import { OUT_OF_MEMORY_REASON, type Engine, type TaskExit } from '../../src/engine/types.js';
import { tempDir } from '../temp.js';

const td: TaskDefinition = { cpu: '256', memory: '512', containerDefinitions: [{ name: 'main', image: 'hyperp-local:k', memory: 128 }] };
const runTask = (index: number): RunTask => ({
  _tag: 'RunTask', runId: 'r1', job: 'j', index, attempt: 1, attemptKey: `r1/j/${index}/1`, clientToken: `tok${index}`.padEnd(64, '0'),
  startedBy: `sb${index}`, taskDefinitionArn: 'local:task-definition/fam:1', overrides: { containerOverrides: [] }, tags: [],
});

test('a run names each limit its host cannot enforce once, and an out-of-memory kill is told with its reason', async () => {
  const events: RunEvent[] = [];
  const notes: string[] = [];
  const launched: { memoryMiB: number; limits: unknown }[] = [];
  const engine: Engine = {
    name: 'process',
    build: async () => ({ _tag: 'Built', imageRef: 'k', notes: [], skippedRuns: 0 }),
    run: (task) => {
      launched.push({ memoryMiB: task.memoryMiB, limits: task.containers[0]!.limits });
      const exit: TaskExit = { containers: [{ name: 'main', exitCode: 137, reason: OUT_OF_MEMORY_REASON }], stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', startedAt: 1, stoppedAt: 2 };
      return { done: Promise.resolve(exit), stop: () => undefined };
    },
    unenforcedLimits: () => ['memory (no writable cgroup)', 'process count (no writable cgroup)'],
  };
  const interp = interpreter({
    layout: localLayout(tempDir('hyperp-lim-')), runId: 'r1', engine, parallel: 2, network: false, repository: 'hyperp-local',
    source: { context: () => ({ error: 'no builds here' }) },
    emit: async (e) => void events.push(...e),
    now: () => 1000, note: (l) => void notes.push(l), recordImage: () => undefined,
  });
  interp.carryOut({ _tag: 'RegisterTaskDefinition', runId: 'r1', job: 'j', family: 'fam', taskDefinition: td as never, tags: [] });
  await interp.idle();
  for (const i of [1, 2, 3]) interp.carryOut(runTask(i));
  await interp.idle();
  assert.equal(notes, ['note: this host cannot enforce every task limit; not enforced: memory (no writable cgroup), process count (no writable cgroup) (see docs/local.md)']);
  assert.equal(launched[0], { memoryMiB: 512, limits: { memoryMiB: 128, pids: 4096, tmpMiB: 128 } });
  const stopped = events.filter((e): e is TaskStateObserved => e._tag === 'TaskStateObserved' && e.lastStatus === 'STOPPED');
  assert.is(stopped.length, 3);
  assert.equal(stopped[0]!.containers, [{ name: 'main', exitCode: 137, reason: OUT_OF_MEMORY_REASON }]);
});

test.run();
