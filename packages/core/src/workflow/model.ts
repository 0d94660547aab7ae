/**
 * The workflow file model: io-ts codecs for `hyperp-workflows/*.yaml`.
 *
 * Keys of the original hyperp are kept verbatim (a workflow written for it runs unchanged);
 * `retries`, `timeoutSeconds`, `failFast` and `triggers` are additions. Codecs describe shape
 * only; rules that span fields (names, DAG, Fargate sizes, paths) live in `validate.ts`.
 */
import * as t from 'io-ts';

/** A whole number or a numeric string ("1024"): ECS and the original hyperp accept both. */
export const NumberLike = t.union([t.number, t.string], 'NumberLike');

export const ImageBuildResources = t.type(
  { cpu: NumberLike, memory: NumberLike },
  'ImageBuildResources',
);
export type ImageBuildResources = t.TypeOf<typeof ImageBuildResources>;

export const Job = t.intersection(
  [
    t.type({ jobName: t.string, taskDefinitionPath: t.string }),
    t.partial({
      jobDescription: t.string,
      dependsOn: t.array(t.string),
      imageBuildResources: ImageBuildResources,
      downloadable: t.boolean,
      concurrency: t.number,
      retries: t.number,
      timeoutSeconds: t.number,
    }),
  ],
  'Job',
);
export type Job = t.TypeOf<typeof Job>;

export const SharedArtifact = t.type({ name: t.string }, 'SharedArtifact');
export type SharedArtifact = t.TypeOf<typeof SharedArtifact>;

export const CronTrigger = t.intersection(
  [t.type({ schedule: t.string }), t.partial({ timezone: t.string })],
  'CronTrigger',
);
export type CronTrigger = t.TypeOf<typeof CronTrigger>;

/** Absent `triggers` means `{ push: true }`, the original hyperp's only trigger. */
export const Triggers = t.partial(
  { push: t.boolean, manual: t.boolean, cron: t.array(CronTrigger) },
  'Triggers',
);
export type Triggers = t.TypeOf<typeof Triggers>;

export const Workflow = t.intersection(
  [
    t.type({ workflowName: t.string }),
    t.partial({
      // Optional, and `jobs:` with nothing under it (null) allowed, so that a missing or empty
      // list gets the `jobs-empty` rule's message, not a type error.
      jobs: t.union([t.array(Job), t.null]),
      workflowDescription: t.string,
      branches: t.array(t.string),
      artifacts: t.partial({ shared: t.array(SharedArtifact) }),
      failFast: t.boolean,
      triggers: Triggers,
    }),
  ],
  'Workflow',
);
export type Workflow = t.TypeOf<typeof Workflow>;

/** Every key the workflow file may hold, per level: used to suggest the closest known key. */
export const knownKeys = {
  workflow: ['workflowName', 'workflowDescription', 'branches', 'artifacts', 'jobs', 'failFast', 'triggers'],
  artifacts: ['shared'],
  shared: ['name'],
  job: [
    'jobName', 'jobDescription', 'taskDefinitionPath', 'dependsOn', 'imageBuildResources',
    'downloadable', 'concurrency', 'retries', 'timeoutSeconds',
  ],
  imageBuildResources: ['cpu', 'memory'],
  triggers: ['push', 'manual', 'cron'],
  cron: ['schedule', 'timezone'],
} as const;

/** Defaults applied after decoding, in one place (`normalise.ts`). */
export const jobDefaults = { concurrency: 1, retries: 0, downloadable: false, dependsOn: [] as string[] };
/**
 * Each trigger has its own default: a workflow runs on push (the original hyperp's only
 * trigger) and may be started by hand unless it says `push: false` / `manual: false`.
 */
export const workflowDefaults = {
  failFast: false,
  branches: ['**'],
  triggers: { push: true, manual: true, cron: [] as CronTrigger[] },
};
