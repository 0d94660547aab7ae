/** How often, and how long apart, a failing command is sent again (`command-retries.ts`, launches). */
import type { FailureClass } from './events.js';

/**
 * How many times a failing command is sent again: retryable failures 10 times (back-offs of 1,
 * 2, 4 … 60 s: about five minutes, long enough for throttling or a capacity shortage to pass),
 * unclassified ones 3 times (a fault nobody recognised should not hold a run for long).
 */
export const commandRetryLimit: Readonly<Record<FailureClass, number>> = { retryable: 10, unknown: 3, permanent: 0 };

/** Back-off before the n-th retry of a command: 1 s, 2 s, 4 s, … at most 60 s. */
export const commandRetryDelayMs = (n: number): number => Math.min(60_000, 1000 * 2 ** Math.max(0, n - 1));

/** Whether a command that failed `failures` times (this failure included) is sent again. */
export const mayRetry = (failure: FailureClass, failures: number): boolean => failures <= commandRetryLimit[failure];

