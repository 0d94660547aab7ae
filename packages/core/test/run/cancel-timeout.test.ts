// A task whose deadline passes while the stop a cancel asked for is in flight: the cancel, the
// deadline (a Tick past it) and the task's STOPPED state come in every order, some twice. The
// task ends CANCELLED whenever the cancel came before its STOPPED state, whichever of cancel
// and deadline asked for the stop first; only a task that had stopped before the cancel failed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cancelRequested, taskLaunchAccepted, taskRunning, taskStopped, tick } from '../../src/run/constructors.js';
import type { RunEvent } from '../../src/run/events.js';
import { imageUri } from '../../src/names/images.js';
import { syntheticImageKey, syntheticRunRequested, type SyntheticWorkflow } from '../../src/sim/workflow.js';
import { arnOf, attemptOf, keys, RUN, stateAfter, step, T0, taskArn } from './support.js';

const w: SyntheticWorkflow = { name: 'slow', jobs: [{ name: 't', timeoutSeconds: 60 }] };
const r = syntheticRunRequested(w, { runId: RUN, at: T0 });
const k = keys('t', 1, 1);
const RUNNING_AT = T0 + 10;
const DEADLINE = RUNNING_AT + 60_000;

/** The task runs; its deadline is 60 s after it started. */
const running = stateAfter([
  r, { _tag: 'DirectoriesEnsured', at: T0 + 1 },
  { _tag: 'ImageBuildSucceeded', at: T0 + 2, key: syntheticImageKey('t'), imageUri: imageUri(r.settings.render.imageRepository, syntheticImageKey('t')), usage: null },
  { _tag: 'TaskDefinitionRegistered', at: T0 + 3, job: 't', taskDefinitionArn: arnOf('t') },
  taskLaunchAccepted(T0 + 4, k.startedBy, taskArn(1)),
  taskRunning(RUNNING_AT, k.startedBy, taskArn(1), ['main']),
]);

type Kind = 'cancel' | 'deadline' | 'stopped';
const stopped = taskStopped(DEADLINE + 2000, k.startedBy, taskArn(1), { main: 143 }, { stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' });

/** Every order of cancel, deadline and STOPPED, with one of them delivered twice. */
const orders = (): Kind[][] => {
  const out: Kind[][] = [];
  const permute = (rest: Kind[], acc: Kind[]): void => {
    if (rest.length === 0) { out.push(acc); return; }
    rest.forEach((x, i) => { if (rest.indexOf(x) === i) permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, x]); });
  };
  for (const twice of ['cancel', 'deadline', 'stopped'] as const) permute(['cancel', 'deadline', 'stopped', twice], []);
  return out;
};

const Orders = suite('a cancel and a deadline racing for one task');

for (const cancelAt of [DEADLINE - 1000, DEADLINE + 1000]) {
  Orders(`cancel ${cancelAt < DEADLINE ? 'before' : 'after'} the deadline's time: CANCELLED whenever the cancel came before STOPPED`, () => {
    const all = orders();
    assert.equal(all.length, 36);
    for (const order of all) {
      const event = (x: Kind): RunEvent =>
        x === 'cancel' ? cancelRequested(cancelAt, 'wrong branch') : x === 'deadline' ? tick(DEADLINE + 1000) : stopped;
      let s = running;
      for (const x of order) s = step(s, event(x))[0];
      const a = attemptOf(s, 't', 1, 1);
      const cancelFirst = order.indexOf('cancel') < order.indexOf('stopped');
      const expected = cancelFirst
        ? ['CANCELLED', 'cancelled: wrong branch', 'CANCELLED']
        : ['FAILED', a.timedOut ? 'timed out after 60 s' : 'container "main" exited with code 143', 'FAILED'];
      assert.equal([a.outcome, a.reason, s.status], expected, order.join(' → '));
    }
  });
}

Orders('the deadline that passed first still says the task was stopped for it', () => {
  const [s1, c1] = step(running, tick(DEADLINE + 1000));
  assert.equal(c1.map((c) => (c._tag === 'StopTask' ? c.reason : c._tag)), ['timed out after 60 s']);
  const [s2, c2] = step(s1, cancelRequested(DEADLINE + 1500, 'wrong branch'));
  assert.equal(c2.filter((c) => c._tag === 'StopTask'), [], 'the stop already sent is not sent again');
  const [s3] = step(s2, stopped);
  assert.equal([attemptOf(s3, 't', 1, 1).outcome, attemptOf(s3, 't', 1, 1).timedOut, s3.status], ['CANCELLED', true, 'CANCELLED']);
});

Orders.run();
