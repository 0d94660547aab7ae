// The simulator as a harness around an embedder's own loop: a loop that persists its state and
// outbox survives duplicates, delays and crashes; loops that persist too little are caught.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Command } from '../../src/run/commands.js';
import type { RunEvent } from '../../src/run/events.js';
import { reduce } from '../../src/run/reduce.js';
import { initialState, type RunState } from '../../src/run/state.js';
import type { ClusterModel } from '../../src/sim/cluster.js';
import { simulateLoop, type EmbedderLoop } from '../../src/sim/harness.js';
import { simulate, type SimFaults } from '../../src/sim/simulate.js';
import { syntheticRunRequested } from '../../src/sim/workflow.js';

const request = syntheticRunRequested(
  { jobs: [{ name: 'split' }, { name: 'map', dependsOn: ['split'], concurrency: 4, retries: 1 }, { name: 'reduce', dependsOn: ['map'] }] },
  { runId: 'r1', at: 1_700_000_000_000 },
);
const model: ClusterModel = {
  startLatencyMs: 5_000, buildMs: () => 30_000,
  task: (job, index, attempt) => ({ durationMs: 20_000, exitCode: job === 'map' && index === 2 && attempt === 1 ? 1 : 0 }),
};
const faults: SimFaults = { duplicate: 0.3, delay: 0.3, maxDelayMs: 10_000, crash: 0.25 };

/**
 * An embedder's loop whose "disk" is a string: the state and the commands of the last step,
 * saved as JSON before they are handed out. `save` decides what it keeps.
 */
const diskLoop = (save: { state: boolean; outbox: boolean }): EmbedderLoop & { saves: number } => {
  let disk = JSON.stringify({ state: initialState(), outbox: [] });
  let state = initialState();
  const loop = {
    saves: 0,
    receive: async (event: RunEvent) => {
      const [next, commands] = reduce(state, event);
      const saved = JSON.parse(disk) as { state: RunState; outbox: Command[] };
      disk = JSON.stringify({ state: save.state ? next : saved.state, outbox: save.outbox ? commands : [] });
      loop.saves++;
      state = next;
      return commands;
    },
    restart: async () => {
      const saved = JSON.parse(disk) as { state: RunState; outbox: Command[] };
      state = saved.state;
      return saved.outbox;
    },
    state: () => state,
  };
  return loop;
};

test('a loop that saves state and commands before acting ends every seed as the plain simulator does', async () => {
  for (let seed = 1; seed <= 6; seed++) {
    const loop = diskLoop({ state: true, outbox: true });
    const r = await simulateLoop({ seed, request, model, faults, loop, checkInvariants: true });
    assert.equal(
      [r.terminated, r.state.status, r.maxStartsPerToken, r.leftRunning, r.violations],
      [true, 'SUCCEEDED', 1, 0, []],
      `seed ${seed}`,
    );
    assert.ok(r.restarts > 0, `seed ${seed} crashed the loop`);
    assert.is(loop.saves, r.deliveries);
    // The same seed drives the plain simulator through the same history.
    const plain = simulate({ seed, request, model, faults, recordHistory: true });
    const again = await simulateLoop({ seed, request, model, faults, loop: diskLoop({ state: true, outbox: true }), recordHistory: true });
    assert.equal(again.history, plain.history, `seed ${seed} replays`);
  }
});

test('a loop that does not keep its commands across a crash leaves a run that never ends', async () => {
  const stuck = [];
  for (let seed = 1; seed <= 6; seed++) {
    const r = await simulateLoop({ seed, request, model, faults, loop: diskLoop({ state: true, outbox: false }) });
    if (!r.terminated) stuck.push(seed);
  }
  assert.ok(stuck.length > 0, 'some seed loses a command for good');
});

test('a loop that does not save its state goes back to an earlier state after a crash: caught', async () => {
  const caught = [];
  for (let seed = 1; seed <= 6; seed++) {
    const r = await simulateLoop({ seed, request, model, faults, loop: diskLoop({ state: false, outbox: true }), checkInvariants: true, maxDeliveries: 5_000 });
    if (!r.terminated || r.state.status !== 'SUCCEEDED' || r.maxStartsPerToken > 1 || r.violations.length > 0) caught.push(seed);
  }
  assert.equal(caught, [1, 2, 3, 4, 5, 6]);
});

test.run();
