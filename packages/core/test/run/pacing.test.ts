import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tick } from '../../src/run/constructors.js';
import { runSettings } from '../../src/run/settings.js';
import { syntheticRunRequested, simulatedSettings } from '../../src/sim/workflow.js';
import { arnOf, RUN, stateAfter, step, T0 } from './support.js';

const Pacing = suite('launch pacing');
const wide = { name: 'wide', jobs: [{ name: 'fan', concurrency: 250, imageAction: 'reuse' as const }] };

const started = () => stateAfter([
  syntheticRunRequested(wide, { runId: RUN, at: T0 }),
  { _tag: 'DirectoriesEnsured', at: T0 },
  { _tag: 'TaskDefinitionRegistered', at: T0, job: 'fan', taskDefinitionArn: arnOf('fan') },
]);

Pacing('a 250-way job launches a burst of 100, then 20 per second, asking to be woken for each slot', () => {
  const s0 = stateAfter([syntheticRunRequested(wide, { runId: RUN, at: T0 }), { _tag: 'DirectoriesEnsured', at: T0 }]);
  const [s1, c1] = step(s0, { _tag: 'TaskDefinitionRegistered', at: T0, job: 'fan', taskDefinitionArn: arnOf('fan') });
  const indexes = (cs: typeof c1) => cs.flatMap((c) => (c._tag === 'RunTask' ? [c.index] : []));
  assert.equal(indexes(c1), Array.from({ length: 100 }, (_, i) => i + 1));
  assert.equal(c1[100], { _tag: 'ScheduleWakeup', runId: RUN, at: T0 + 50 });
  assert.equal(c1.length, 101);
  const [s2, c2] = step(s1, tick(T0 + 1000));
  assert.equal(indexes(c2), Array.from({ length: 20 }, (_, i) => i + 101));
  assert.equal(c2[20], { _tag: 'ScheduleWakeup', runId: RUN, at: T0 + 1050 });
  const [, c3] = step(s2, tick(T0 + 1050));
  assert.equal(indexes(c3), [121]);
});

Pacing('a tick before the next slot launches nothing and asks for no second wake-up', () => {
  const s1 = started();
  const [s2, c2] = step(s1, tick(T0 + 20));
  assert.equal([c2, s2.wakeupAt], [[], T0 + 50]);
});

Pacing('the rate comes from the settings', () => {
  const slow = runSettings({ ...simulatedSettings, launchRate: { burst: 2, perSecond: 1 } });
  const s0 = stateAfter([syntheticRunRequested(wide, { runId: RUN, at: T0, settings: slow }), { _tag: 'DirectoriesEnsured', at: T0 }]);
  const [, c1] = step(s0, { _tag: 'TaskDefinitionRegistered', at: T0, job: 'fan', taskDefinitionArn: arnOf('fan') });
  assert.equal(c1.map((c) => (c._tag === 'RunTask' ? c.index : c._tag === 'ScheduleWakeup' ? c.at - T0 : c._tag)), [1, 2, 1000]);
});

Pacing.run();
