/**
 * What a run needs to know about where it runs, as plain data carried inside `RunRequested`:
 * the adapter (AWS from its environment, local mode from its own layout) fills it once, so the
 * reducer can render task definitions and commands without reading anything.
 */
import type { RenderSettings } from '../render/settings.js';

/** Fargate's RunTask launch rate for one account and Region (token bucket). */
export interface LaunchRate {
  /** Tasks that may be launched at once. */
  readonly burst: number;
  /** Tasks added back to the bucket per second. */
  readonly perSecond: number;
}

/**
 * Fargate's documented RunTask rate: a burst of 100 tasks, then 20 per second (sustained).
 * Source: Amazon ECS Developer Guide, "Amazon ECS service quotas" → "Fargate throttling
 * quotas" (RunTask API, Fargate launch type), read 2026-11-22.
 */
export const fargateLaunchRate: LaunchRate = { burst: 100, perSecond: 20 };

/** Exponential back-off between attempts of a task: base × factor^(attempt-1), at most max. */
export interface RetryBackoff {
  readonly baseSeconds: number;
  readonly factor: number;
  readonly maxSeconds: number;
}

export const defaultRetryBackoff: RetryBackoff = { baseSeconds: 10, factor: 2, maxSeconds: 300 };

/**
 * Where and how a run runs: rendering settings, price region, Spot, artifacts bucket, commit
 * status, retry back-off, launch rate. Make it with `runSettings`.
 */
export interface RunSettings {
  /** What task-definition rendering needs (Region, image repository, EFS, log group, roles). */
  readonly render: RenderSettings;
  /** Region whose Fargate prices the cost uses (usually the render Region; local mode picks one). */
  readonly priceRegion: string;
  /** Fargate Spot prices instead of on-demand. */
  readonly spot: boolean;
  /** Bucket of downloadable zips (local mode: its artifacts folder). */
  readonly artifactsBucket: string;
  /** GitHub commit status context, e.g. `hyperp/calculator`; null: set no commit status. */
  readonly statusContext: string | null;
  /** Link shown on the commit status (the run's page); null for none. */
  readonly detailsUrl: string | null;
  readonly launchRate: LaunchRate;
  readonly retryBackoff: RetryBackoff;
  /** An image build still running this long after its launch is stopped and fails. */
  readonly buildTimeoutSeconds: number;
}

/** An hour, like CodeBuild's default build timeout: generous for an image, yet no run waits forever. */
export const defaultBuildTimeoutSeconds = 3600;

/** Settings with hyperp's defaults for everything not given. */
export const runSettings = (given: Partial<RunSettings> & Pick<RunSettings, 'render'>): RunSettings => ({
  priceRegion: given.render.region,
  spot: false,
  artifactsBucket: 'hyperp-artifacts',
  statusContext: null,
  detailsUrl: null,
  launchRate: fargateLaunchRate,
  retryBackoff: defaultRetryBackoff,
  buildTimeoutSeconds: defaultBuildTimeoutSeconds,
  ...given,
});
