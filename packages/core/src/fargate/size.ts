/**
 * Questions about Fargate task sizes: is a size valid, what is the cheapest valid size that
 * covers a request, and how ECS reads the cpu and memory strings of a task definition.
 */
import { fargateGrid, fargateSizes, type FargateSize } from './grid.js';

export const isValidFargateSize = (cpu: number, memory: number): boolean =>
  fargateGrid.some((row) => row.cpu === cpu && row.memory.includes(memory));

/** Valid memory choices (MiB) for a cpu value; empty when Fargate has no such cpu. */
export const fargateMemoryChoices = (cpu: number): readonly number[] =>
  fargateGrid.find((row) => row.cpu === cpu)?.memory ?? [];

/**
 * Hourly rates used only to rank sizes. Default: us-east-1 Linux/x86_64 on-demand
 * (https://aws.amazon.com/fargate/pricing/, as recorded in DESIGN.md, 2026-11); the arm64 and
 * other regions' rates keep nearly the same vCPU:GB ratio, so the ranking holds there too.
 */
export interface SizeRates {
  readonly perVcpuHour: number;
  readonly perGbHour: number;
}
export const defaultSizeRates: SizeRates = { perVcpuHour: 0.04048, perGbHour: 0.004445 };

export interface SizeRequest {
  /** CPU units wanted at least (1024 = 1 vCPU); absent means any. */
  readonly cpu?: number;
  /** MiB wanted at least; absent means any. */
  readonly memory?: number;
}

/**
 * The cheapest valid size with at least the requested cpu and memory (ties: less cpu first);
 * undefined when the request exceeds the largest size (16 vCPU, 120 GiB).
 */
export const cheapestFargateSize = (
  request: SizeRequest,
  rates: SizeRates = defaultSizeRates,
): FargateSize | undefined => {
  const cost = (s: FargateSize): number => (s.cpu / 1024) * rates.perVcpuHour + (s.memory / 1024) * rates.perGbHour;
  let best: FargateSize | undefined;
  for (const s of fargateSizes) {
    if (s.cpu < (request.cpu ?? 0) || s.memory < (request.memory ?? 0)) continue;
    if (!best || cost(s) < cost(best) || (cost(s) === cost(best) && s.cpu < best.cpu)) best = s;
  }
  return best;
};

/**
 * CPU units from a task definition value: a number or numeric string of units ("1024"), or
 * vCPUs with a unit ("1 vCPU", "0.25 vcpu"), which ECS converts at registration. Undefined
 * when the value is not one of these or not a whole number of units.
 */
export const parseCpuUnits = (value: number | string): number | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(String(value));
  if (!m) return undefined;
  const units = m[2] ? Number(m[1]) * 1024 : Number(m[1]);
  return Number.isInteger(units) && units > 0 ? units : undefined;
};

/**
 * Memory in MiB from a task definition value: MiB as a number or numeric string ("2048"), or
 * GB with a unit ("2 GB", "0.5GB"; ECS counts 1 GB as 1024 MiB). Undefined otherwise.
 */
export const parseMemoryMiB = (value: number | string): number | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(String(value));
  if (!m) return undefined;
  const mib = m[2] ? Number(m[1]) * 1024 : Number(m[1]);
  return Number.isInteger(mib) && mib > 0 ? mib : undefined;
};

/** "0.25 vCPU / 512 MiB", for messages. */
export const formatFargateSize = (s: FargateSize): string => `${s.cpu / 1024} vCPU / ${formatMiB(s.memory)}`;
const formatMiB = (mib: number): string => (mib % 1024 === 0 ? `${mib / 1024} GB` : `${mib} MiB`);
