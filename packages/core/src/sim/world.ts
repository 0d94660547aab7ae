/**
 * The faulty world the simulator (`simulate`) and the harness (`simulateLoop`) share: an agenda
 * on simulated time, a fake cluster whose events are delivered twice, late or out of order, the
 * crash draw, the launch check and the result. Internal to the simulator.
 */
import type { Command } from '../run/commands.js';
import type { RunEvent } from '../run/events.js';
import { isTerminalRun, type RunState } from '../run/state.js';
import { vecGet } from '../run/vector.js';
import { Agenda } from './agenda.js';
import { FakeCluster } from './cluster.js';
import { seededRandom } from './random.js';
import type { SimFaults, SimOptions, SimResult } from './simulate.js';

/** Fault rates of zero: a simulation without duplicates, delays or crashes. */
export const noFaults: SimFaults = { duplicate: 0, delay: 0, maxDelayMs: 0, crash: 0 };

type Item = { readonly kind: 'deliver'; readonly event: RunEvent } | { readonly kind: 'act'; readonly f: () => void };

export const simWorld = (o: Omit<SimOptions, 'checkInvariants'>) => {
  const rnd = seededRandom(o.seed);
  const faults = o.faults ?? noFaults;
  const agenda = new Agenda<Item>();
  const violations: string[] = [];
  const history: RunEvent[] = [];

  const deliverLater = (at: number, event: RunEvent): void => {
    const when = faults.delay > 0 && rnd.chance(faults.delay) ? at + rnd.int(1, faults.maxDelayMs) : at;
    agenda.add(when, { kind: 'deliver', event });
    if (rnd.chance(faults.duplicate)) agenda.add(when + rnd.int(0, Math.max(1, faults.maxDelayMs)), { kind: 'deliver', event });
  };
  const cluster = new FakeCluster(o.model, deliverLater, (at, f) => agenda.add(at, { kind: 'act', f }));

  const checkLaunch = (s: RunState, c: Command): void => {
    if (c._tag !== 'RunTask' || s.graph === null) return;
    const j = s.graph.jobIndex[c.job];
    if (j === undefined) return void violations.push(`job ${c.job} launched but the run has no such job`);
    for (const d of s.graph.deps[j]!) {
      const dep = vecGet(s.jobs, d)!;
      if (dep.status !== 'SUCCEEDED') violations.push(`job ${c.job} launched while its dependency ${dep.name} was ${dep.status}`);
    }
  };

  agenda.add(o.request.at, { kind: 'deliver', event: o.request });
  if (o.cancelAt !== undefined) agenda.add(o.cancelAt, { kind: 'deliver', event: { _tag: 'CancelRequested', at: o.cancelAt, reason: 'simulated cancel', by: null } });

  const result = (state: RunState, deliveries: number, commands: number): SimResult => {
    const starts = [...cluster.counts.startsPerToken.values()];
    return {
      state,
      terminated: isTerminalRun(state.status),
      deliveries,
      makespanMs: state.finishedAt === null ? null : state.finishedAt - o.request.at,
      maxStartsPerToken: starts.length === 0 ? 0 : Math.max(...starts),
      tasksStarted: starts.length,
      leftRunning: cluster.running(),
      throttled: cluster.counts.throttled,
      commands,
      violations,
      history,
    };
  };
  return { rnd, faults, agenda, cluster, violations, history, checkLaunch, result, maxDeliveries: o.maxDeliveries ?? 200_000 };
};

