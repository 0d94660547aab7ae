import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { ClusterModel } from '../../src/sim/cluster.js';
import { criticalPathMs } from '../../src/sim/lower-bound.js';
import { noFaults, simulate, type SimFaults } from '../../src/sim/simulate.js';
import { syntheticImageKey, syntheticRunRequested, type SyntheticJob } from '../../src/sim/workflow.js';

const T0 = 1_700_000_000_000;

interface Shape {
  readonly jobs: SyntheticJob[];
  readonly failFast: boolean;
  readonly latency: number;
  readonly build: Record<string, number>;
  readonly duration: Record<string, number>;
  /** Jobs whose tasks hang (their deadline stops them). */
  readonly hang: string[];
  /** `job/index/attempt` of attempts that exit 1. */
  readonly failing: string[];
}

/** A random DAG: job k may depend on earlier jobs; some share an image, some reuse one. */
const shapeArb = (withFailures: boolean): fc.Arbitrary<Shape> =>
  fc.integer({ min: 1, max: 7 }).chain((n) => fc.record({
    deps: fc.array(fc.array(fc.nat(n), { maxLength: 3 }), { minLength: n, maxLength: n }),
    concurrency: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: n, maxLength: n }),
    retries: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }),
    image: fc.array(fc.nat(n + 1), { minLength: n, maxLength: n }),
    reuse: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    build: fc.array(fc.integer({ min: 1000, max: 60_000 }), { minLength: n + 2, maxLength: n + 2 }),
    duration: fc.array(fc.integer({ min: 1000, max: 60_000 }), { minLength: n, maxLength: n }),
    hang: fc.array(withFailures ? fc.boolean() : fc.constant(false), { minLength: n, maxLength: n }),
    failing: withFailures ? fc.array(fc.tuple(fc.nat(n - 1), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })), { maxLength: 4 }) : fc.constant([] as [number, number, number][]),
    failFast: fc.boolean(),
    latency: fc.integer({ min: 0, max: 20_000 }),
  })).map((r) => {
    const name = (k: number) => `j${k}`;
    const jobs: SyntheticJob[] = r.deps.map((ds, k) => ({
      name: name(k),
      dependsOn: [...new Set(ds.filter((d) => d < k).map(name))],
      concurrency: r.concurrency[k]!,
      retries: r.retries[k]!,
      image: `img${r.image[k]}`,
      imageAction: r.reuse[k] ? 'reuse' : 'build',
      ...(r.hang[k] ? { timeoutSeconds: 30 } : {}),
    }));
    // Jobs sharing an image must agree on build or reuse: the first one's choice wins.
    const action = new Map<string, 'build' | 'reuse'>();
    for (const j of jobs) if (!action.has(j.image!)) action.set(j.image!, j.imageAction!);
    return {
      jobs: jobs.map((j) => ({ ...j, imageAction: action.get(j.image!)! })),
      failFast: r.failFast,
      latency: r.latency,
      build: Object.fromEntries(r.build.map((b, i) => [syntheticImageKey(`img${i}`), b])),
      duration: Object.fromEntries(r.duration.map((d, k) => [name(k), d])),
      hang: jobs.filter((_, k) => r.hang[k]).map((j) => j.name),
      failing: r.failing.map(([k, index, attempt]) => `${name(k)}/${index}/${attempt}`),
    };
  });

const modelOf = (s: Shape, throttle = false): ClusterModel => ({
  startLatencyMs: s.latency,
  buildMs: (key) => s.build[key] ?? 1000,
  task: (job, index, attempt) => ({
    durationMs: s.hang.includes(job) ? 1e9 : s.duration[job]!,
    exitCode: s.failing.includes(`${job}/${index}/${attempt}`) ? 1 : 0,
  }),
  ...(throttle ? { launchRate: { burst: 3, perSecond: 1 } } : {}),
});

const requestOf = (s: Shape) => syntheticRunRequested({ name: 'prop', failFast: s.failFast, jobs: s.jobs }, { at: T0 });

const faultsArb: fc.Arbitrary<SimFaults> = fc.record({
  duplicate: fc.double({ min: 0, max: 0.5, noNaN: true }),
  delay: fc.double({ min: 0, max: 0.5, noNaN: true }),
  maxDelayMs: fc.integer({ min: 1, max: 10_000 }),
  crash: fc.double({ min: 0, max: 0.3, noNaN: true }),
});

const Sim = suite('simulator properties');

Sim('under duplicated, late and reordered events and crashes: the run ends, nothing is started twice or early, counters hold, the status is the fault-free one', () => {
  fc.assert(fc.property(shapeArb(true), faultsArb, fc.integer(), fc.boolean(), (shape, faults, seed, throttle) => {
    const request = requestOf(shape);
    const clean = simulate({ seed, request, model: modelOf(shape, throttle) });
    const faulty = simulate({ seed, request, model: modelOf(shape, throttle), faults, checkInvariants: true });
    assert.equal(
      [clean.terminated, faulty.terminated, faulty.maxStartsPerToken <= 1, faulty.leftRunning, faulty.violations, faulty.state.status],
      [true, true, true, 0, [], clean.state.status],
    );
    assert.equal(clean.violations, []);
  }), { numRuns: 120 });
});

Sim('without faults, an all-success run takes exactly the critical path (own builds, latency, longest task on the longest chain)', () => {
  fc.assert(fc.property(shapeArb(false), fc.integer(), (shape, seed) => {
    const request = requestOf(shape);
    const model = modelOf(shape);
    const r = simulate({ seed, request, model, faults: noFaults });
    assert.equal([r.state.status, r.makespanMs, r.throttled], ['SUCCEEDED', criticalPathMs(request, model), 0]);
  }), { numRuns: 150 });
});

Sim('a 1,000-way job launches at Fargate\'s rate and is never throttled by a cluster enforcing it', () => {
  const request = syntheticRunRequested({ name: 'wide', jobs: [{ name: 'fan', concurrency: 1000, imageAction: 'reuse' }] }, { at: T0 });
  const r = simulate({ seed: 1, request, model: { startLatencyMs: 0, buildMs: () => 0, task: () => ({ durationMs: 1000, exitCode: 0 }), launchRate: { burst: 100, perSecond: 20 } } });
  // 100 at once, the other 900 at 20 per second: the last launches at 45 s and runs 1 s.
  assert.equal([r.state.status, r.throttled, r.tasksStarted, r.makespanMs], ['SUCCEEDED', 0, 1000, 46_000]);
});

Sim('a cluster that throttles harder than Fargate (other runs share the limit) slows launches but fails nothing', () => {
  const request = syntheticRunRequested({ name: 'wide', jobs: [{ name: 'fan', concurrency: 30, imageAction: 'reuse' }] }, { at: T0 });
  const r = simulate({ seed: 1, request, model: { startLatencyMs: 0, buildMs: () => 0, task: () => ({ durationMs: 1000, exitCode: 0 }), launchRate: { burst: 5, perSecond: 2 } } });
  assert.equal([r.state.status, r.throttled > 0, r.tasksStarted, r.maxStartsPerToken], ['SUCCEEDED', true, 30, 1]);
});

Sim('the same seed gives the same history', () => {
  const request = syntheticRunRequested({ jobs: [{ name: 'a', concurrency: 3 }, { name: 'b', dependsOn: ['a'] }] }, { at: T0 });
  const model: ClusterModel = { startLatencyMs: 100, buildMs: () => 500, task: () => ({ durationMs: 900, exitCode: 0 }) };
  const faults = { duplicate: 0.3, delay: 0.3, maxDelayMs: 2000, crash: 0.2 };
  const a = simulate({ seed: 7, request, model, faults, recordHistory: true });
  const b = simulate({ seed: 7, request, model, faults, recordHistory: true });
  const c = simulate({ seed: 8, request, model, faults, recordHistory: true });
  assert.equal(a.history, b.history);
  assert.not.equal(a.history, c.history);
});

Sim.run();
