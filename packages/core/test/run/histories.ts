// The recorded histories of `fixtures/histories/`: each is a simulated run of the calculator
// (with duplicated and late deliveries) whose events were written down once. The golden test
// replays the files, not the simulator, so a change in the reducer's behaviour shows as a diff.
import type { RunRequested } from '../../src/run/events.js';
import type { ClusterModel } from '../../src/sim/cluster.js';
import { simulate, type SimFaults } from '../../src/sim/simulate.js';
import { calculatorRequest } from './calculator.js';

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly request: () => RunRequested;
  readonly model: ClusterModel;
  readonly cancelAt?: number;
}

const T0 = 1_700_000_000_000;
const faults: SimFaults = { duplicate: 0.15, delay: 0.15, maxDelayMs: 4000, crash: 0.05 };
const ok = (durationMs: number) => ({ durationMs, exitCode: 0 });
const model = (task: ClusterModel['task']): ClusterModel => ({ startLatencyMs: 15_000, buildMs: () => 90_000, task });

/** The calculator with one job changed (retries, deadline). */
const withJob = (name: string, patch: object) => (): RunRequested => {
  const r = calculatorRequest('run-calc', T0);
  return { ...r, workflow: { ...r.workflow, jobs: r.workflow.jobs.map((j) => (j.name === name ? { ...j, ...patch } : j)) } };
};

export const scenarios: readonly Scenario[] = [
  {
    name: 'calculator-success',
    description: 'The calculator runs to SUCCEEDED: four builds, six tasks, two zips.',
    request: () => calculatorRequest('run-calc', T0),
    model: model(() => ok(20_000)),
  },
  {
    name: 'failure-skips-dependents',
    description: 'Task 2 of "x * y" exits 1: the job fails, "(x * y) + (x / z)" is SKIPPED, "x / z" still succeeds; the run ends FAILED.',
    request: () => calculatorRequest('run-calc', T0),
    model: model((job, index) => ({ durationMs: 20_000, exitCode: job === 'x * y' && index === 2 ? 1 : 0 })),
  },
  {
    name: 'retry',
    description: '"x / z" may retry once; its task 1 fails on the first attempt and succeeds on the second; the run SUCCEEDS.',
    request: withJob('x / z', { retries: 1 }),
    model: model((job, index, attempt) => ({ durationMs: 20_000, exitCode: job === 'x / z' && index === 1 && attempt === 1 ? 2 : 0 })),
  },
  {
    name: 'timeout',
    description: '"Generate x" has a 60 s deadline and hangs: it is stopped and fails as timed out; everything after it is SKIPPED.',
    request: withJob('Generate x', { timeoutSeconds: 60 }),
    model: model((job) => ok(job === 'Generate x' ? 3_600_000 : 20_000)),
  },
  {
    name: 'cancel',
    description: 'The run is cancelled while "x * y" and "x / z" run: their tasks are stopped, the last job is SKIPPED, the run ends CANCELLED.',
    request: () => calculatorRequest('run-calc', T0),
    model: model(() => ok(120_000)),
    // Builds end at 90 s, "Generate x" at 225 s; the next two run from 240 s to 360 s.
    cancelAt: T0 + 300_000,
  },
];

export const record = (s: Scenario, seed = 4) =>
  simulate({ seed, request: s.request(), model: s.model, faults, recordHistory: true, ...(s.cancelAt === undefined ? {} : { cancelAt: s.cancelAt }) });
