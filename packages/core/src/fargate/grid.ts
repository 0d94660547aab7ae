/**
 * The task sizes Fargate accepts: every valid (cpu units, memory MiB) pair, as data.
 *
 * Source: Amazon ECS Developer Guide, "Troubleshoot Amazon ECS task definition invalid CPU or
 * memory errors" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html)
 * and the RegisterTaskDefinition `memory` reference; checked 2026-11-22. The 8 and 16 vCPU sizes
 * need Linux platform version 1.4.0 or later (the default, LATEST, is); Windows tasks take
 * 1, 2 and 4 vCPU only.
 */

export interface FargateCpuRow {
  /** CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  /** Memory choices in MiB, ascending. */
  readonly memory: readonly number[];
  /** Whether Windows tasks may use this cpu value. */
  readonly windows: boolean;
}

const GiB = 1024;
const range = (fromGiB: number, toGiB: number, stepGiB: number): number[] =>
  Array.from({ length: (toGiB - fromGiB) / stepGiB + 1 }, (_, k) => (fromGiB + k * stepGiB) * GiB);

export const fargateGrid: readonly FargateCpuRow[] = [
  { cpu: 256, memory: [512, 1 * GiB, 2 * GiB], windows: false },
  { cpu: 512, memory: range(1, 4, 1), windows: false },
  { cpu: 1024, memory: range(2, 8, 1), windows: true },
  { cpu: 2048, memory: range(4, 16, 1), windows: true },
  { cpu: 4096, memory: range(8, 30, 1), windows: true },
  { cpu: 8192, memory: range(16, 60, 4), windows: false },
  { cpu: 16384, memory: range(32, 120, 8), windows: false },
];

export interface FargateSize {
  /** CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  /** MiB. */
  readonly memory: number;
}

/** Every valid size, by cpu then memory. */
export const fargateSizes: readonly FargateSize[] = fargateGrid.flatMap((row) =>
  row.memory.map((memory) => ({ cpu: row.cpu, memory })),
);
