/**
 * What a run needs to know about where it runs, as plain data carried inside `RunRequested`:
 * the adapter (AWS from its environment, local mode from its own layout) fills it once, so the
 * reducer can render task definitions and commands without reading anything.
 */

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

export interface RunSettings {
  /** AWS Region the tasks run in (`local` in local mode). */
  readonly region: string;
  /** Region whose Fargate prices the cost uses (usually `region`; local mode picks one). */
  readonly priceRegion: string;
  /** Fargate Spot prices instead of on-demand. */
  readonly spot: boolean;
  /** Where built images go; an image's URI is `${imageRepositoryUri}:${key}`. */
  readonly imageRepositoryUri: string;
  /** CloudWatch Logs group of task logs (awslogs driver); local mode: its log folder. */
  readonly logGroup: string;
  /** The artifacts file system; null in local mode (artifacts are folders on disk). */
  readonly efs: { readonly fileSystemId: string; readonly accessPointId: string } | null;
  /** Role ARNs put into rendered task definitions; null where the adapter needs none. */
  readonly roles: {
    readonly executionRoleArn: string | null;
    readonly jobTaskRoleArn: string | null;
    readonly builderTaskRoleArn: string | null;
  };
  /** The image builder (a maintained kaniko fork on AWS; the engine's own builder locally). */
  readonly builderImage: string;
  /** Bucket of downloadable zips (local mode: its artifacts folder). */
  readonly artifactsBucket: string;
  /** GitHub commit status context, e.g. `hyperp/calculator`; null: set no commit status. */
  readonly statusContext: string | null;
  /** Link shown on the commit status (the run's page or CLI hint); null for none. */
  readonly detailsUrl: string | null;
  readonly launchRate: LaunchRate;
  readonly retryBackoff: RetryBackoff;
}

/** Settings with hyperp's defaults for everything not given. */
export const runSettings = (given: Partial<RunSettings> & Pick<RunSettings, 'region'>): RunSettings => ({
  priceRegion: given.region === 'local' ? 'us-east-1' : given.region,
  spot: false,
  imageRepositoryUri: 'hyperp',
  logGroup: '/hyperp/tasks',
  efs: null,
  roles: { executionRoleArn: null, jobTaskRoleArn: null, builderTaskRoleArn: null },
  builderImage: 'hyperp-builder',
  artifactsBucket: 'hyperp-artifacts',
  statusContext: null,
  detailsUrl: null,
  launchRate: fargateLaunchRate,
  retryBackoff: defaultRetryBackoff,
  ...given,
});
