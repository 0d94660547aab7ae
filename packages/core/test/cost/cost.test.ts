import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { Result } from '../../src/result.js';
import { costError, type CostError, type CostErrorDetail } from '../../src/cost/errors.js';
import {
  defaultPriceTable, describeCostError, efsStorageCost, estimateTaskCost, rollupCosts, taskCost,
  type CostItem, type TaskCost,
} from '../../src/cost/index.js';
import { fargateSizes } from '../../src/fargate/grid.js';

/** The failed `Result` of one cost error. */
const failed = (e: CostErrorDetail): Result<never, CostError> => ({ ok: false, issues: [costError(e)] });

const right = <A>(r: Result<A, CostError>): A => {
  if (!r.ok) throw new Error(`expected a value, got ${JSON.stringify(r.issues)}`);
  return r.value;
};

const table = suite('price table');

table('covers the required regions, both architectures, on-demand and (x86) Spot, with source and date', () => {
  for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) {
    const p = defaultPriceTable.regions[region]!;
    assert.ok(p.fargate.x86_64['on-demand'].perVcpuHour > 0 && p.fargate.arm64['on-demand'].perGbHour > 0, region);
    assert.ok(p.fargate.x86_64.spot!.perVcpuHour < p.fargate.x86_64['on-demand'].perVcpuHour, region);
  }
  assert.equal(defaultPriceTable.regions['us-east-1']!.fargate.x86_64['on-demand'], { perVcpuHour: 0.04048, perGbHour: 0.004445 });
  assert.equal(defaultPriceTable.regions['us-east-1']!.fargate.arm64['on-demand'], { perVcpuHour: 0.03238, perGbHour: 0.00356 });
  assert.match(defaultPriceTable.source, 'aws.amazon.com/fargate/pricing');
  assert.match(defaultPriceTable.asOf, /^\d{4}-\d{2}-\d{2}$/);
});

table.run();

const task = suite('task cost');
const shape = { cpu: 1024, memory: 2048, region: 'us-east-1' } as const;

task('one hour of 1 vCPU / 2 GB x86_64 on-demand in us-east-1', () => {
  assert.equal(right(estimateTaskCost(shape, 3600)), {
    usd: 0.04937,
    billedSeconds: 3600,
    vcpu: 1,
    memoryGb: 2,
    extraStorageGb: 0,
    region: 'us-east-1',
    arch: 'x86_64',
    capacity: 'on-demand',
    breakdown: { cpuUsd: 0.04048, memoryUsd: 0.00889, storageUsd: 0 },
  } satisfies TaskCost);
});

task('a one-minute minimum, then per second rounded up', () => {
  const thirty = right(estimateTaskCost(shape, 30));
  const sixty = right(estimateTaskCost(shape, 60));
  assert.is(thirty.billedSeconds, 60);
  assert.equal(thirty, sixty);
  assert.is(thirty.usd, 0.000822834); // 674,667 + 148,167 nanodollars
  assert.is(right(estimateTaskCost(shape, 60.2)).billedSeconds, 61);
});

task('ephemeral storage beyond 20 GB, arm64 and Spot rates', () => {
  const c = right(estimateTaskCost({ ...shape, ephemeralGb: 50 }, 3600));
  assert.equal([c.extraStorageGb, c.breakdown.storageUsd, c.usd], [30, 0.00333, 0.0527]);
  assert.equal(right(estimateTaskCost({ ...shape, arch: 'arm64' }, 3600)).breakdown, { cpuUsd: 0.03238, memoryUsd: 0.00712, storageUsd: 0 });
  assert.equal(right(estimateTaskCost({ ...shape, capacity: 'spot' }, 3600)).breakdown, { cpuUsd: 0.012144, memoryUsd: 0.002667, storageUsd: 0 });
});

task('from pullStartedAt (else startedAt) to stoppedAt', () => {
  const times = { pullStartedAt: '2026-11-22T10:00:00Z', startedAt: '2026-11-22T10:00:30Z', stoppedAt: '2026-11-22T11:00:00Z' };
  assert.is(right(taskCost(shape, times)).billedSeconds, 3600);
  assert.is(right(taskCost(shape, { startedAt: times.startedAt, stoppedAt: times.stoppedAt })).billedSeconds, 3570);
  assert.is(right(taskCost(shape, { startedAt: 1_000, stoppedAt: 91_500 })).billedSeconds, 91);
});

task('a task that never started is a real zero, with billedSeconds 0', () => {
  const c = right(taskCost(shape, { stoppedAt: 5_000 }));
  assert.equal([c.usd, c.billedSeconds, c.breakdown], [0, 0, { cpuUsd: 0, memoryUsd: 0, storageUsd: 0 }]);
  // an image pull but no start (the pull failed, TaskFailedToStart): no start time, no charge
  for (const startedAt of [undefined, null]) {
    const p = right(taskCost(shape, { pullStartedAt: 1_000, startedAt, stoppedAt: 91_000 }));
    assert.equal([p.usd, p.billedSeconds, p.breakdown], [0, 0, { cpuUsd: 0, memoryUsd: 0, storageUsd: 0 }]);
  }
});

task('unknown region, invalid size, missing price, bad times are errors, never zero', () => {
  assert.equal(estimateTaskCost({ ...shape, region: 'mars-1' }, 60), failed({ _tag: 'UnknownRegion', region: 'mars-1', known: ['eu-west-1', 'us-east-1', 'us-east-2', 'us-west-2'] }));
  assert.equal(estimateTaskCost({ ...shape, memory: 1000 }, 60), failed({ _tag: 'InvalidTaskSize', cpu: 1024, memory: 1000 }));
  assert.equal(estimateTaskCost({ ...shape, arch: 'arm64', capacity: 'spot' }, 60), failed({ _tag: 'NoPrice', region: 'us-east-1', arch: 'arm64', capacity: 'spot' }));
  assert.equal(estimateTaskCost({ ...shape, ephemeralGb: 201 }, 60), failed({ _tag: 'InvalidEphemeralStorage', gb: 201 }));
  assert.equal(estimateTaskCost({ ...shape, ephemeralGb: 19 }, 60), failed({ _tag: 'InvalidEphemeralStorage', gb: 19 }));
  assert.equal(estimateTaskCost({ ...shape, ephemeralGb: 20.5 }, 60), failed({ _tag: 'InvalidEphemeralStorage', gb: 20.5 }));
  assert.is(describeCostError({ _tag: 'InvalidEphemeralStorage', gb: 20.5 }), 'ephemeral storage of 20.5 GB is not a whole number of GB from 20 (the included amount) to 200');
  assert.equal([20, 21, 200].map((gb) => right(estimateTaskCost({ ...shape, ephemeralGb: gb }, 3600)).extraStorageGb), [0, 1, 180]);
  assert.equal(taskCost(shape, { startedAt: 10_000, stoppedAt: 4_000 }), failed({ _tag: 'InvalidDuration', detail: 'stoppedAt is 6 s before the task started' }));
  assert.is(describeCostError({ _tag: 'UnknownRegion', region: 'mars-1', known: ['us-east-1'] }), 'no prices for region "mars-1" (known: us-east-1)');
  assert.is(describeCostError({ _tag: 'InvalidTaskSize', cpu: 1024, memory: 1000 }), 'cpu 1024 with memory 1000 MiB is not a valid Fargate size');
});

task('cost grows with duration and size, and never falls below the one-minute charge', () => {
  const size = fc.constantFrom(...fargateSizes);
  fc.assert(fc.property(size, fc.double({ min: 0, max: 86_400, noNaN: true }), fc.double({ min: 0, max: 3600, noNaN: true }), (s, t, dt) => {
    const a = right(estimateTaskCost({ ...s, region: 'eu-west-1' }, t));
    const b = right(estimateTaskCost({ ...s, region: 'eu-west-1' }, t + dt));
    const minute = right(estimateTaskCost({ ...s, region: 'eu-west-1' }, 0));
    assert.ok(b.usd >= a.usd && a.usd >= minute.usd && minute.usd > 0);
  }), { numRuns: 200 });
});

task.run();

const efs = suite('EFS storage');

efs('GB-months prorated by the hour (the EFS pricing page example)', () => {
  // 100 GB for 15 days of a 31-day month = 48.387 GB-months at $0.30.
  const c = right(efsStorageCost('us-east-1', 100 * 15 * 24, defaultPriceTable, 31 * 24));
  assert.equal(c, { usd: 14.516129032, gbMonths: (100 * 360) / 744, region: 'us-east-1' });
  assert.equal(right(efsStorageCost('eu-west-1', 730)), { usd: 0.33, gbMonths: 1, region: 'eu-west-1' });
  assert.equal(efsStorageCost('nowhere', 1), failed({ _tag: 'UnknownRegion', region: 'nowhere', known: ['eu-west-1', 'us-east-1', 'us-east-2', 'us-west-2'] }));
});

efs.run();

const rollup = suite('rollups');

rollup('per job, per run, builds apart', () => {
  const items: CostItem[] = [
    { kind: 'task', job: 'add', usd: 0.1, billedSeconds: 60 },
    { kind: 'task', job: 'add', usd: 0.2, billedSeconds: 120 },
    { kind: 'task', job: 'multiply * 3', usd: 0.05, billedSeconds: 60 },
    { kind: 'build', imageKey: 'k1', usd: 0.3, billedSeconds: 300 },
    { kind: 'storage', usd: 0.001 },
    { kind: 'other', what: 'zip', usd: 0.002 },
  ];
  assert.equal(rollupCosts(items), {
    usd: 0.653,
    jobs: { add: { usd: 0.3, tasks: 2, billedSeconds: 180 }, 'multiply * 3': { usd: 0.05, tasks: 1, billedSeconds: 60 } },
    tasksUsd: 0.35,
    builds: { usd: 0.3, count: 1, billedSeconds: 300 },
    storageUsd: 0.001,
    otherUsd: 0.002,
  });
  assert.equal(rollupCosts([]), { usd: 0, jobs: {}, tasksUsd: 0, builds: { usd: 0, count: 0, billedSeconds: 0 }, storageUsd: 0, otherUsd: 0 });
});

rollup('the same whatever order the items arrive in', () => {
  const item = fc.oneof(
    fc.record({ kind: fc.constant('task' as const), job: fc.constantFrom('a', 'b', 'c d'), usd: fc.double({ min: 0, max: 5, noNaN: true }), billedSeconds: fc.integer({ min: 60, max: 9999 }) }),
    fc.record({ kind: fc.constant('build' as const), imageKey: fc.constantFrom('k1', 'k2'), usd: fc.double({ min: 0, max: 5, noNaN: true }), billedSeconds: fc.integer({ min: 60, max: 9999 }) }),
  );
  fc.assert(fc.property(fc.array(item, { maxLength: 30 }).chain((xs) => fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length }))), ([xs, shuffled]) => {
    assert.equal(rollupCosts(shuffled), rollupCosts(xs));
  }), { numRuns: 200 });
});

rollup.run();
