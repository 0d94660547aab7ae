/**
 * Fargate and EFS prices as data. A deployment may replace the table with one refreshed from
 * the AWS Price List API (service codes `AmazonECS`, `AmazonEFS`); every cost function takes the
 * table as a parameter and falls back to this one.
 *
 * Sources, read 2026-11-22:
 * - On-demand Fargate rates, Linux: https://aws.amazon.com/fargate/pricing/ — us-east-1 x86_64
 *   $0.04048 per vCPU-hour and $0.004445 per GB-hour, arm64 $0.03238 and $0.00356; us-east-2,
 *   us-west-2 and eu-west-1 publish the same rates (eu-west-1 confirmed by tomgregory.com,
 *   "Fargate Spot vs Fargate price comparison"). Ephemeral storage above the included 20 GB:
 *   $0.000111 per GB-hour.
 * - Fargate Spot rates change with supply and demand (the pricing page's "current Spot price"
 *   table). The figures here are the x86_64 on-demand rates less 70%, the discount AWS
 *   advertises; they are estimates. arm64 Spot is left out: no figure is recorded for it, so
 *   asking for it is an error instead of a guess.
 * - EFS Standard storage: https://aws.amazon.com/efs/pricing/ — $0.30 per GB-month in us-east-1,
 *   us-east-2 and us-west-2, $0.33 in eu-west-1.
 */
export type CpuArchitecture = 'x86_64' | 'arm64';
/** Fargate capacity a task runs on: on-demand or Spot (priced as an estimate). */
export type Capacity = 'on-demand' | 'spot';

/** Fargate prices per vCPU-hour and per GB-hour for one architecture and capacity. */
export interface ComputeRates {
  readonly perVcpuHour: number;
  readonly perGbHour: number;
}

/** The prices of one region: Fargate per architecture and capacity, ephemeral storage, EFS. */
export interface RegionPrices {
  readonly fargate: {
    readonly [A in CpuArchitecture]: { readonly 'on-demand': ComputeRates; readonly spot?: ComputeRates };
  };
  /** Per GB-hour of ephemeral storage beyond the included 20 GB. */
  readonly ephemeralStoragePerGbHour: number;
  /** EFS Standard storage, per GB-month. */
  readonly efsStandardPerGbMonth: number;
}

/** Fargate and EFS prices by region, with the source and date they were read. */
export interface PriceTable {
  readonly source: string;
  /** When the figures were read (YYYY-MM-DD). */
  readonly asOf: string;
  readonly currency: 'USD';
  readonly regions: Readonly<Record<string, RegionPrices>>;
}

const spotOf = (r: ComputeRates): ComputeRates => ({
  perVcpuHour: round(r.perVcpuHour * 0.3),
  perGbHour: round(r.perGbHour * 0.3),
});
const round = (x: number): number => Math.round(x * 1e8) / 1e8;

const usStandard = (efsStandardPerGbMonth: number): RegionPrices => {
  const x86 = { perVcpuHour: 0.04048, perGbHour: 0.004445 };
  return {
    fargate: {
      x86_64: { 'on-demand': x86, spot: spotOf(x86) },
      arm64: { 'on-demand': { perVcpuHour: 0.03238, perGbHour: 0.00356 } },
    },
    ephemeralStoragePerGbHour: 0.000111,
    efsStandardPerGbMonth,
  };
};

/**
 * The built-in Fargate and EFS price table (its source and date are in `asOf` and `source`); pass
 * your own to price elsewhere.
 */
export const defaultPriceTable: PriceTable = {
  source: 'https://aws.amazon.com/fargate/pricing/ and https://aws.amazon.com/efs/pricing/ (Spot: on-demand less 70%, an estimate)',
  asOf: '2026-11-22',
  currency: 'USD',
  regions: {
    'us-east-1': usStandard(0.3),
    'us-east-2': usStandard(0.3),
    'us-west-2': usStandard(0.3),
    'eu-west-1': usStandard(0.33),
  },
};

/** Storage Fargate includes with every task, GiB. */
export const INCLUDED_EPHEMERAL_GB = 20;
/** Largest ephemeral storage a Fargate task may ask for, GiB (ECS `ephemeralStorage.sizeInGiB`: 21–200). */
export const MAX_EPHEMERAL_GB = 200;
/** Fargate's minimum charge per task, seconds. */
export const MINIMUM_BILLED_SECONDS = 60;
