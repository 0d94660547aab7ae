/**
 * What one Fargate task costs. Fargate bills per second from the start of the image pull
 * (`pullStartedAt`, else `startedAt`) to `stoppedAt`, at least one minute, for the task-level
 * vCPU and memory (1 GB = 1,024 MiB), plus ephemeral storage beyond the included 20 GB.
 * Amounts are rounded to a nanodollar so that sums are exact whatever their order.
 */
import * as E from 'fp-ts/lib/Either.js';
import { failure, success, type Result } from '../result.js';
import { isValidFargateSize } from '../fargate/size.js';
import { costError, type CostError } from './errors.js';
import {
  defaultPriceTable, INCLUDED_EPHEMERAL_GB, MAX_EPHEMERAL_GB, MINIMUM_BILLED_SECONDS,
  type Capacity, type ComputeRates, type CpuArchitecture, type PriceTable, type RegionPrices,
} from './prices.js';

/** What a task's cost depends on: size, region, architecture, capacity and ephemeral storage. */
export interface TaskShape {
  /** Task-level CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  /** Task-level memory, MiB. */
  readonly memory: number;
  readonly arch?: CpuArchitecture;
  readonly capacity?: Capacity;
  /** The task's whole ephemeral storage, GB; 20 (the included amount) when absent. */
  readonly ephemeralGb?: number;
  readonly region: string;
}

/** The cost of a task or build: dollars, billed seconds, size and the cpu/memory/storage breakdown. */
export interface TaskCost {
  readonly usd: number;
  readonly billedSeconds: number;
  readonly vcpu: number;
  readonly memoryGb: number;
  /** Ephemeral storage billed beyond the included 20 GB. */
  readonly extraStorageGb: number;
  readonly region: string;
  readonly arch: CpuArchitecture;
  readonly capacity: Capacity;
  readonly breakdown: { readonly cpuUsd: number; readonly memoryUsd: number; readonly storageUsd: number };
}

/** A moment as epoch milliseconds or an ISO 8601 string (as ECS reports it). */
export type Instant = number | string;

export const NANO = 1e9;
/** Round to whole nanodollars: the unit sums are kept in. */
export const toNanos = (usd: number): number => Math.round(usd * NANO);
export const fromNanos = (nanos: number): number => nanos / NANO;

const ms = (t: Instant): number => (typeof t === 'number' ? t : Date.parse(t));

export const billedSeconds = (seconds: number): number => Math.max(MINIMUM_BILLED_SECONDS, Math.ceil(seconds));

const regionPrices = (table: PriceTable, region: string): E.Either<CostError, RegionPrices> => {
  const p = table.regions[region];
  return p ? E.right(p) : E.left(costError({ _tag: 'UnknownRegion', region, known: Object.keys(table.regions).sort() }));
};

const rates = (p: RegionPrices, region: string, arch: CpuArchitecture, capacity: Capacity): E.Either<CostError, ComputeRates> => {
  const r = p.fargate[arch][capacity];
  return r ? E.right(r) : E.left(costError({ _tag: 'NoPrice', region, arch, capacity }));
};

/** The cost of a task of this shape running for `seconds` (before the one-minute minimum). */
export const estimateTaskCost = (
  shape: TaskShape,
  seconds: number,
  table: PriceTable = defaultPriceTable,
): Result<TaskCost, CostError> => {
  const arch = shape.arch ?? 'x86_64';
  const capacity = shape.capacity ?? 'on-demand';
  const ephemeralGb = shape.ephemeralGb ?? INCLUDED_EPHEMERAL_GB;
  if (!Number.isFinite(seconds) || seconds < 0) return failure(costError({ _tag: 'InvalidDuration', detail: `duration ${seconds} s is not a non-negative number` }));
  if (!isValidFargateSize(shape.cpu, shape.memory)) return failure(costError({ _tag: 'InvalidTaskSize', cpu: shape.cpu, memory: shape.memory }));
  // ECS takes whole GiB only (`sizeInGiB` is an integer).
  if (!(Number.isInteger(ephemeralGb) && ephemeralGb >= INCLUDED_EPHEMERAL_GB && ephemeralGb <= MAX_EPHEMERAL_GB)) return failure(costError({ _tag: 'InvalidEphemeralStorage', gb: ephemeralGb }));
  const region = regionPrices(table, shape.region);
  if (E.isLeft(region)) return failure(region.left);
  const r = rates(region.right, shape.region, arch, capacity);
  if (E.isLeft(r)) return failure(r.left);
  const billed = billedSeconds(seconds);
  const hours = billed / 3600;
  const vcpu = shape.cpu / 1024;
  const memoryGb = shape.memory / 1024;
  const extraStorageGb = ephemeralGb - INCLUDED_EPHEMERAL_GB;
  const cpuNanos = toNanos(hours * vcpu * r.right.perVcpuHour);
  const memoryNanos = toNanos(hours * memoryGb * r.right.perGbHour);
  const storageNanos = toNanos(hours * extraStorageGb * region.right.ephemeralStoragePerGbHour);
  return success({
    usd: fromNanos(cpuNanos + memoryNanos + storageNanos),
    billedSeconds: billed,
    vcpu,
    memoryGb,
    extraStorageGb,
    region: shape.region,
    arch,
    capacity,
    breakdown: { cpuUsd: fromNanos(cpuNanos), memoryUsd: fromNanos(memoryNanos), storageUsd: fromNanos(storageNanos) },
  });
};

/** A stopped task's ECS timestamps, from which `taskCost` bills it. */
export interface TaskTimes {
  readonly pullStartedAt?: Instant | null;
  /** When the task's containers started; absent or null: it never started, and costs 0. */
  readonly startedAt?: Instant | null;
  readonly stoppedAt: Instant;
}

/**
 * The cost of a stopped task from its ECS timestamps. A task without a start time never ran
 * (never placed, its image pull failed, `TaskFailedToStart`, stopped while PENDING): it is not
 * charged, a real zero with `billedSeconds: 0`. A task that started is billed from its image
 * pull (else its start) to its stop.
 */
export const taskCost = (
  shape: TaskShape,
  times: TaskTimes,
  table: PriceTable = defaultPriceTable,
): Result<TaskCost, CostError> => {
  const from = times.pullStartedAt ?? times.startedAt ?? undefined;
  const to = ms(times.stoppedAt);
  if (Number.isNaN(to)) return failure(costError({ _tag: 'InvalidDuration', detail: `stoppedAt "${times.stoppedAt}" is not a time` }));
  if (from === undefined || times.startedAt === undefined || times.startedAt === null) {
    const c = estimateTaskCost(shape, 0, table);
    return c.ok ? success({ ...c.value, usd: 0, billedSeconds: 0, breakdown: { cpuUsd: 0, memoryUsd: 0, storageUsd: 0 } }) : c;
  }
  const start = ms(from);
  if (Number.isNaN(start)) return failure(costError({ _tag: 'InvalidDuration', detail: `start "${from}" is not a time` }));
  if (to < start) return failure(costError({ _tag: 'InvalidDuration', detail: `stoppedAt is ${(start - to) / 1000} s before the task started` }));
  return estimateTaskCost(shape, (to - start) / 1000, table);
};
