/**
 * Launch pacing with the generic cell rate algorithm: one number (`pacerTat`, the theoretical
 * arrival time of the next launch) stands for a token bucket of `burst` tokens refilled at
 * `perSecond`. Fargate's RunTask limit is per account and Region, so this keeps one run from
 * tripping it on its own; launches other runs cause to be throttled are retried.
 */
import type { RunState } from './state.js';
import type { LaunchRate } from './settings.js';
import { fargateLaunchRate } from './settings.js';

const rateOf = (s: RunState): LaunchRate => s.request?.settings.launchRate ?? fargateLaunchRate;
const intervalOf = (r: LaunchRate): number => 1000 / r.perSecond;

/** The pacer state after one more launch now, or undefined when the bucket is empty. */
export const takeLaunchSlot = (s: RunState): number | undefined => {
  const r = rateOf(s);
  const next = Math.max(s.pacerTat, s.now) + intervalOf(r);
  // The tolerance absorbs float rounding of intervals like 1000/3 ms.
  return next - s.now <= r.burst * intervalOf(r) + 1e-6 ? next : undefined;
};

/** When the next launch slot frees up. */
export const nextLaunchSlotAt = (s: RunState): number => {
  const r = rateOf(s);
  return Math.max(s.now, Math.ceil(s.pacerTat + intervalOf(r) - r.burst * intervalOf(r)));
};
