/**
 * EFS storage cost. EFS bills Standard storage by the GB-month, measured in GB-hours and
 * prorated: 100 GB kept for 15 days of a 31-day month is 100 × 360 / 744 = 48.39 GB-months
 * (the example on https://aws.amazon.com/efs/pricing/, read 2026-11-22). A run's artifacts are
 * measured as GB-hours (size × hours kept); `hoursInMonth` defaults to 730, AWS's usual
 * average month, when the caller does not know the calendar month.
 */
import { costError, type CostError } from './errors.js';
import { failure, success, type Result } from '../result.js';
import { defaultPriceTable, type PriceTable } from './prices.js';
import { fromNanos, toNanos } from './task.js';

export const AVERAGE_HOURS_IN_MONTH = 730;

/** The cost of EFS storage: dollars and GB-months. */
export interface StorageCost {
  readonly usd: number;
  readonly gbMonths: number;
  readonly region: string;
}

/** The cost of keeping `gbHours` of EFS Standard storage in a region; fails for an unknown region or a bad measure. */
export const efsStorageCost = (
  region: string,
  gbHours: number,
  table: PriceTable = defaultPriceTable,
  hoursInMonth: number = AVERAGE_HOURS_IN_MONTH,
): Result<StorageCost, CostError> => {
  const p = table.regions[region];
  if (!p) return failure(costError({ _tag: 'UnknownRegion', region, known: Object.keys(table.regions).sort() }));
  if (!Number.isFinite(gbHours) || gbHours < 0 || !(hoursInMonth > 0)) {
    return failure(costError({ _tag: 'InvalidDuration', detail: `storage of ${gbHours} GB-hours over a ${hoursInMonth}-hour month is not measurable` }));
  }
  const gbMonths = gbHours / hoursInMonth;
  return success({ usd: fromNanos(toNanos(gbMonths * p.efsStandardPerGbMonth)), gbMonths, region });
};
