/**
 * Drives a calculator run with the real stepper on a store, against the fake cloud: ECS
 * reports each launched task RUNNING then STOPPED (exit 0). For tests that need a run in a
 * given phase (in flight, finished).
 */
import type { Command, RunEvent, RunState } from '@hyperp/core';
import { ecsEventId, REQUESTED_EVENT_ID } from '../../src/run/event-ids.js';
import { putRunMeta, type RunMeta } from '../../src/run/meta.js';
import { stepper, type StoredRun } from '../../src/run/stepper.js';
import type { Store } from '../../src/store/store.js';
import type { RunRequested } from '@hyperp/core';
import { ecsState, fakeCloud, type FakeCloud } from './fake-cloud.js';

export interface Driven {
  readonly cloud: FakeCloud;
  readonly clock: { now: number };
  readonly step: (events: readonly RunEvent[]) => Promise<unknown>;
  /** Reports the tasks launched so far (once each); returns how many. */
  readonly reportLaunched: () => Promise<number>;
  readonly state: () => Promise<RunState>;
  readonly toEnd: () => Promise<RunState>;
}

export interface DriveOptions {
  /** Launches whose answer never comes back (the task starts, RunTask's response is lost). */
  readonly loseAnswer?: (c: Command) => boolean;
}

export const drive = async (store: Store, request: RunRequested, meta: RunMeta, t0: number, options: DriveOptions = {}): Promise<Driven> => {
  const clock = { now: t0 };
  const cloud = fakeCloud(() => clock.now);
  const interpret: typeof cloud.interpret = async (c, m) => {
    const events = await cloud.interpret(c, m);
    return options.loseAnswer?.(c) ? [] : events;
  };
  const s = stepper({ store, interpret, now: () => clock.now, inlineWaitMs: 20_000, log: () => undefined, sleep: async (ms) => void (clock.now += ms) });
  await putRunMeta(store.ctx, meta);
  await store.events.append({ id: REQUESTED_EVENT_ID, runId: meta.runId, event: request, storedAt: 't' });
  await s.step(meta.runId, [request]);
  const reported = new Set<string>();
  const containersOf = (startedBy: string): string[] => {
    const c = cloud.calls.find((x): x is Extract<Command, { startedBy: string }> => 'startedBy' in x && x.startedBy === startedBy);
    return c?._tag === 'RunTask' ? c.overrides.containerOverrides.map((o) => o.name) : ['kaniko'];
  };
  const state = async () => ((await store.states.load(meta.runId))!.state as StoredRun).run;
  const reportLaunched = async () => {
    let n = 0;
    for (const [startedBy, arn] of [...cloud.launched]) {
      if (reported.has(startedBy)) continue;
      reported.add(startedBy);
      n++;
      clock.now += 60_000;
      const cs = containersOf(startedBy);
      const events = [ecsState(startedBy, arn, 'RUNNING', clock.now - 30_000, cs), ecsState(startedBy, arn, 'STOPPED', clock.now, cs)];
      for (const e of events) await store.events.append({ id: ecsEventId(arn, e.lastStatus, e.lastStatus === 'RUNNING' ? 2 : 3), runId: meta.runId, event: e, storedAt: 't' });
      await s.step(meta.runId, events);
    }
    return n;
  };
  return {
    cloud,
    clock,
    step: (events) => s.step(meta.runId, events),
    reportLaunched,
    state,
    toEnd: async () => {
      for (let i = 0; i < 20; i++) {
        const run = await state();
        if (run.finishedAt !== null) return run;
        if ((await reportLaunched()) === 0) throw new Error(`run ${meta.runId} is ${run.status} with nothing launched`);
      }
      throw new Error('the run did not finish');
    },
  };
};
