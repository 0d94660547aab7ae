/**
 * The names the platform is built from: the Lambda functions (one per bundle of
 * `@hyperp/adapters-aws`), the task roles, and the S3 prefixes the handlers write under.
 */

/** Each names a bundle `packages/adapters-aws/dist/bundles/<name>/index.mjs` and a function. */
export const FUNCTION_NAMES = ['webhook', 'planner', 'task-events', 'stepper', 'sweep', 'api', 'efs'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Roles that ECS tasks run with: user jobs and image builds (zips are made by the `efs` function). */
export const TASK_KINDS = ['job', 'builder'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/**
 * Downloadable zips (`DOWNLOADABLE_PREFIX` in core's names): the only objects that expire. A
 * test holds it equal to the adapters' manifest (`s3Prefixes.downloads`); run bodies too large
 * for an item go under the manifest's `s3Prefixes.stateObjects`.
 */
export const DOWNLOADS_PREFIX = 'hyperp-artifacts/';
/** Build contexts the stepper packs for the builder (adapters-aws `contexts/upload.ts`). */
export const BUILD_CONTEXTS_PREFIX = 'hyperp-contexts/';
/** Where earlier versions put builds' clone tokens as ECS environment files; nothing writes there now. */
export const OLD_BUILD_ENV_PREFIX = 'hyperp-build-env/';

/** Where the `efs` function sees hyperp's access point; Lambda requires a path under /mnt. */
export const EFS_MOUNT_PATH = '/mnt/hyperp';

/**
 * A deployment's task-definition families, as an IAM pattern: `{prefix}_*` (core's
 * `taskDefinitionFamily` and `builderFamily` with the deployment's prefix). Prefixes have no `_`,
 * so the pattern of `hyperp-prod` does not match the families of `hyperp-prod-eu`.
 */
export const taskFamilyPattern = (prefix: string): string => `${prefix}_*`;

/** Value of the `hyperp:role` tag on each role; the policy pack finds roles by it. */
export const roleTag = {
  function: (fn: FunctionName) => `function:${fn}`,
  task: (kind: TaskKind) => `task:${kind}`,
  execution: 'task-execution',
  scheduler: 'scheduler',
  sweepSchedule: 'sweep-schedule',
} as const;
export const ROLE_TAG_KEY = 'hyperp:role';
