/**
 * `hyperp cost`: what Fargate charges. `cost estimate` prices a task size for a duration from
 * core's price table; the run's own cost (`cost RUN`) is added to the same parent by the local
 * runtime's commands through `costCommand`.
 */
import type { Command } from 'commander';
import {
  defaultPriceTable,
  describeCostError,
  estimateTaskCost,
  INCLUDED_EPHEMERAL_GB,
  type CpuArchitecture,
  type TaskCost,
} from '@hyperp/core';
import { cheapestFargateSize, fargateMemoryChoices, parseCpuUnits, parseMemoryMiB } from '@hyperp/core/internal';
import type { Register } from '../program.js';
import { CliError, ExitCode, UsageError, type CliContext } from '../context.js';

/** The `cost` parent command, created on first use so either registration may come first. */
export const costCommand = (program: Command): Command =>
  program.commands.find((c) => c.name() === 'cost') ??
  program.command('cost').description('what Fargate charges: estimate a task, or price a run');

interface EstimateOptions {
  cpu: string;
  memory: string;
  seconds: string;
  arch: string;
  ephemeralGb?: string;
  region?: string;
  spot?: boolean;
  json?: boolean;
}

const number = (flag: string, value: string, ok: (n: number) => boolean, what: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new UsageError(`${flag} must be ${what}, not "${value}"`);
  return n;
};

const usd = (x: number): string => `$${x.toFixed(6)}`;

export const formatEstimate = (c: TaskCost): string =>
  [
    `${usd(c.usd)} for ${c.vcpu} vCPU and ${c.memoryGb} GB, ${c.arch} ${c.capacity} in ${c.region}, ${c.billedSeconds} s billed`,
    `  vCPU     ${usd(c.breakdown.cpuUsd)}`,
    `  memory   ${usd(c.breakdown.memoryUsd)}`,
    `  storage  ${usd(c.breakdown.storageUsd)} (${c.extraStorageGb} GB beyond the included ${INCLUDED_EPHEMERAL_GB} GB)`,
    `prices as of ${defaultPriceTable.asOf}: ${defaultPriceTable.source}`,
    '',
  ].join('\n');

const estimate = async (ctx: CliContext, opts: EstimateOptions): Promise<number> => {
  // The forms a task definition takes: units or MiB, or with a unit ("0.25 vCPU", "2 GB").
  const cpu = parseCpuUnits(opts.cpu);
  if (cpu === undefined) throw new UsageError(`--cpu must be CPU units (1024 = 1 vCPU) or vCPUs with the unit, such as "0.25 vCPU", not "${opts.cpu}"`);
  const memory = parseMemoryMiB(opts.memory);
  if (memory === undefined) throw new UsageError(`--memory must be MiB (2048) or GB with the unit, such as "2 GB", not "${opts.memory}"`);
  const seconds = number('--seconds', opts.seconds, (n) => n >= 0, 'a number of seconds, 0 or more');
  const ephemeralGb = opts.ephemeralGb === undefined ? undefined : number('--ephemeral-gb', opts.ephemeralGb, (n) => Number.isInteger(n) && n > 0, 'a whole number of GB');
  if (opts.arch !== 'x86_64' && opts.arch !== 'arm64') throw new UsageError(`--arch must be x86_64 or arm64, not "${opts.arch}"`);
  const region = opts.region ?? ctx.env.HYPERP_PRICE_REGION ?? 'us-east-1';
  const result = estimateTaskCost(
    { cpu, memory, region, arch: opts.arch as CpuArchitecture, capacity: opts.spot ? 'spot' : 'on-demand', ...(ephemeralGb !== undefined ? { ephemeralGb } : {}) },
    seconds,
  );
  if (!result.ok) {
    const [error] = result.issues;
    const fit = cheapestFargateSize({ cpu, memory });
    const cover = fit ? `; the cheapest size that covers it is --cpu ${fit.cpu} --memory ${fit.memory}` : '; it is larger than the largest size, --cpu 16384 --memory 122880';
    const hint =
      error?._tag === 'InvalidTaskSize'
        ? fargateMemoryChoices(cpu).length > 0
          ? `; with --cpu ${cpu}, --memory may be ${fargateMemoryChoices(cpu).join(', ')}${cover}`
          : `; --cpu may be 256, 512, 1024, 2048, 4096, 8192 or 16384${cover}`
        : '';
    throw new CliError(`${result.issues.map(describeCostError).join('; ')}${hint}`);
  }
  const c = result.value;
  if (opts.json) {
    ctx.out(`${JSON.stringify({ usd: c.usd, billedSeconds: c.billedSeconds, vcpu: c.vcpu, memoryGb: c.memoryGb, region: c.region, arch: c.arch })}\n`);
  } else {
    ctx.out(formatEstimate(c));
  }
  return ExitCode.ok;
};

export const registerCost: Register = (program, run) => {
  costCommand(program)
    .command('estimate')
    .description('price a Fargate task of a size for a duration (per second, one-minute minimum)')
    .requiredOption('--cpu <units>', 'task CPU units (1024 = 1 vCPU), or "0.25 vCPU"')
    .requiredOption('--memory <mib>', 'task memory in MiB, or "2 GB"')
    .requiredOption('--seconds <s>', 'how long the task runs, from image pull to stop')
    .option('--arch <arch>', 'x86_64 | arm64', 'x86_64')
    .option('--ephemeral-gb <gb>', `the task's ephemeral storage in GB (${INCLUDED_EPHEMERAL_GB} are included)`)
    .option('--region <region>', 'AWS region of the prices (default: $HYPERP_PRICE_REGION, else us-east-1)')
    .option('--spot', 'Fargate Spot rates')
    .option('--json', 'print {usd, billedSeconds, vcpu, memoryGb, region, arch} as JSON')
    .action((opts: EstimateOptions) => run((ctx) => estimate(ctx, opts)));
};
