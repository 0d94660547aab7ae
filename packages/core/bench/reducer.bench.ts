// `pnpm bench`: how fast the run reducer folds events as a workflow grows (per-event cost must
// stay flat: no work proportional to the whole run per event), and how long simulated runs take
// against their critical path, with hyperp's rule (a job waits for its own images) and with the
// original's barrier on all builds. Prints JSON, then a table. Figures, not pass/fail.
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { reduce, reduceAll } from '../src/run/reduce.js';
import { initialState } from '../src/run/state.js';
import type { ClusterModel } from '../src/sim/cluster.js';
import { criticalPathMs } from '../src/sim/lower-bound.js';
import { seededRandom } from '../src/sim/random.js';
import { simulate } from '../src/sim/simulate.js';
import { syntheticImageKey, syntheticRunRequested, type SyntheticJob, type SyntheticWorkflow } from '../src/sim/workflow.js';
import { calculatorRequest } from '../test/run/calculator.js';

const T0 = 1_700_000_000_000;

/** A layered random DAG: each job depends on up to two of the 50 jobs before it; 50 images shared. */
const dag = (n: number, seed: number): SyntheticWorkflow => {
  const rnd = seededRandom(seed);
  const jobs: SyntheticJob[] = [];
  for (let k = 0; k < n; k++) {
    const deps = new Set<string>();
    for (let d = 0; d < 2 && k > 0; d++) if (rnd.chance(0.7)) deps.add(`j${Math.max(0, k - rnd.int(1, 50))}`);
    jobs.push({ name: `j${k}`, dependsOn: [...deps], image: `img${k % 50}` });
  }
  return { name: `dag-${n}`, jobs };
};

const fanOut: SyntheticWorkflow = {
  name: 'fan-out-1000',
  jobs: [{ name: 'split' }, { name: 'map', dependsOn: ['split'], concurrency: 1000 }, { name: 'reduce', dependsOn: ['map'] }],
};

const quick: ClusterModel = { startLatencyMs: 5000, buildMs: () => 30_000, task: () => ({ durationMs: 10_000, exitCode: 0 }) };

interface Throughput {
  readonly workflow: string;
  readonly jobs: number;
  readonly tasks: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  /** Whole fold time divided by the events. */
  readonly microsecondsPerEvent: number;
  readonly medianMicroseconds: number;
  readonly p99Microseconds: number;
  readonly maxMilliseconds: number;
  readonly stateJsonKiB: number;
  /** What a store keeping the state compressed holds (DynamoDB items are limited to 400 KB). */
  readonly stateGzipKiB: number;
  readonly status: string;
}

const throughput = (w: SyntheticWorkflow): Throughput => {
  const request = syntheticRunRequested(w, { at: T0 });
  const sim = simulate({ seed: 1, request, model: quick, recordHistory: true });
  const events = sim.history;
  let best = Number.POSITIVE_INFINITY;
  let status = '';
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const [state] = reduceAll(initialState(), events);
    best = Math.min(best, performance.now() - started);
    status = state.status;
  }
  // Each event alone: the median shows the steady per-event cost; the few events that act on
  // the whole run once (the request, the folders, the end) show in the maximum.
  const each: number[] = [];
  let s = initialState();
  for (const e of events) {
    const started = performance.now();
    s = reduce(s, e)[0];
    each.push((performance.now() - started) * 1000);
  }
  each.sort((a, b) => a - b);
  const at = (q: number): number => Number(each[Math.min(each.length - 1, Math.floor(q * each.length))]!.toFixed(1));
  return {
    workflow: w.name ?? '',
    jobs: w.jobs.length,
    tasks: w.jobs.reduce((n, j) => n + (j.concurrency ?? 1), 0),
    events: events.length,
    eventsPerSecond: Math.round(events.length / (best / 1000)),
    microsecondsPerEvent: Number(((best * 1000) / events.length).toFixed(2)),
    medianMicroseconds: at(0.5),
    p99Microseconds: at(0.99),
    maxMilliseconds: Number((each[each.length - 1]! / 1000).toFixed(1)),
    stateJsonKiB: Math.round(JSON.stringify(sim.state).length / 1024),
    stateGzipKiB: Math.round(gzipSync(JSON.stringify(sim.state)).length / 1024),
    status,
  };
};

interface Makespan {
  readonly workflow: string;
  readonly makespanSeconds: number;
  readonly criticalPathSeconds: number;
  readonly ratio: number;
  /** The same DAG run in the simulator with a barrier on all builds (the original's rule). */
  readonly barrierMakespanSeconds: number;
  readonly barrierRatio: number;
}

/**
 * The original's rule run in the simulator: every job waits for every build. The builds all
 * launch at once (well inside Fargate's burst), so a job waiting for all of them waits exactly as
 * if each of its own images took as long as the slowest build; the simulator runs that.
 */
const barrierModel = (request: ReturnType<typeof syntheticRunRequested>, model: ClusterModel): ClusterModel => {
  const slowest = Math.max(0, ...request.plan.jobs.flatMap((j) => j.images.filter((i) => i.action === 'build').map((i) => model.buildMs(i.key))));
  return { ...model, buildMs: () => slowest };
};

const makespan = (name: string, request: ReturnType<typeof syntheticRunRequested>, model: ClusterModel): Makespan => {
  const r = simulate({ seed: 1, request, model });
  const cp = criticalPathMs(request, model);
  const simulatedBarrier = simulate({ seed: 1, request, model: barrierModel(request, model) }).makespanMs ?? Number.NaN;
  // The bound says the same; a difference would mean the simulated barrier run is not the rule.
  const bound = criticalPathMs(request, model, { barrier: true });
  if (simulatedBarrier !== bound) console.error(`${name}: the barrier run took ${simulatedBarrier} ms, its critical path is ${bound} ms`);
  const barrier = simulatedBarrier;
  return {
    workflow: name,
    makespanSeconds: (r.makespanMs ?? Number.NaN) / 1000,
    criticalPathSeconds: cp / 1000,
    ratio: Number(((r.makespanMs ?? Number.NaN) / cp).toFixed(3)),
    barrierMakespanSeconds: barrier / 1000,
    barrierRatio: Number((barrier / cp).toFixed(3)),
  };
};

// The calculator: "Generate x" builds fast, the arithmetic images slower.
const calc = calculatorRequest('bench-calc', T0);
const calcBuild: Record<string, number> = {};
calc.plan.jobs.forEach((j, k) => j.images.forEach((i) => { calcBuild[i.key] = [40_000, 120_000, 90_000, 60_000][k]!; }));
const calcModel: ClusterModel = { startLatencyMs: 15_000, buildMs: (key) => calcBuild[key] ?? 60_000, task: () => ({ durationMs: 20_000, exitCode: 0 }) };

// A wide DAG: 40 jobs in 4 stages of 10, each with its own image. Later stages carry heavier
// images (stage s builds in 30 s to 150·(s+1) s), as when a last stage installs a large toolkit:
// hyperp builds them while the early stages run; a barrier makes every job wait for the slowest.
const wideJobs: SyntheticJob[] = Array.from({ length: 40 }, (_, k) => ({
  name: `s${Math.floor(k / 10)}-${k % 10}`,
  dependsOn: k < 10 ? [] : [`s${Math.floor(k / 10) - 1}-${k % 10}`, `s${Math.floor(k / 10) - 1}-${(k + 3) % 10}`],
}));
const wide = syntheticRunRequested({ name: 'wide-40', jobs: wideJobs }, { at: T0 });
const wideRnd = seededRandom(42);
const wideBuild = new Map(wideJobs.map((j, k) => [syntheticImageKey(j.name), wideRnd.int(30, 150 * (Math.floor(k / 10) + 1)) * 1000]));
const wideModel: ClusterModel = { startLatencyMs: 15_000, buildMs: (key) => wideBuild.get(key) ?? 60_000, task: () => ({ durationMs: 120_000, exitCode: 0 }) };

// Warm the JIT first, so the first measured workflow is not charged for compilation.
throughput(dag(300, 9));

const results = {
  throughput: [throughput(dag(100, 1)), throughput(dag(1000, 2)), throughput(dag(10_000, 3)), throughput(fanOut)],
  makespan: [makespan('calculator', calc, calcModel), makespan('wide-40 (builds 30 s–10 min)', wide, wideModel)],
};

console.log(JSON.stringify({ bench: 'core/reducer', ...results }, null, 2));
console.log('\nreducer throughput (fold of a recorded fault-free run)');
console.table(results.throughput);
console.log('makespan against the critical path (hyperp: a job waits for its own images; barrier: for every build)');
console.table(results.makespan);
