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

/**
 * A secret a job reads: a bare name (the file `/run/secrets/<name>`), or `{ name, env }` to also
 * get it as the environment variable `env`, which only an explicit ask gives (see `rules-secrets.ts`).
 */
export const SecretRef = t.union(
  [t.string, t.intersection([t.type({ name: t.string }), t.partial({ env: t.string })])],
  'SecretRef',
);
export type SecretRef = t.TypeOf<typeof SecretRef>;

/** A run input's value as YAML writes it. */
export type InputValue = string | number | boolean;
export const InputValueCodec: t.Type<InputValue> = t.union([t.string, t.number, t.boolean], 'InputValue');

/** The type a workflow declares for a run input. */
export type InputType = 'string' | 'number' | 'boolean' | 'choice';
export const InputTypeCodec: t.Type<InputType> = t.keyof({ string: null, number: null, boolean: null, choice: null }, 'InputType');

/** A run input the workflow takes (`hyperp run --input name=value`); `type` defaults to string. */
export const InputDeclaration = t.intersection(
  [
    t.type({ name: t.string }),
    t.partial({ type: InputTypeCodec, default: InputValueCodec, required: t.boolean, description: t.string, options: t.array(InputValueCodec) }),
  ],
  'InputDeclaration',
);
export type InputDeclaration = t.TypeOf<typeof InputDeclaration>;

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
      secrets: t.array(SecretRef),
    }),
  ],
  'Job',
);
export type Job = t.TypeOf<typeof Job>;

export const SharedArtifact = t.type({ name: t.string }, 'SharedArtifact');
export type SharedArtifact = t.TypeOf<typeof SharedArtifact>;

/**
 * A cron trigger of a workflow: a schedule (five fields) read in `timezone` (UTC by default); a
 * named schedule may carry fixed inputs for the runs it starts.
 */
export interface CronTrigger {
  readonly schedule: string;
  readonly timezone?: string;
  readonly name?: string;
  readonly inputs?: { readonly [name: string]: InputValue };
}

export const CronTriggerCodec: t.Type<CronTrigger> = t.intersection(
  // A named schedule may carry fixed inputs for the runs it starts.
  [t.type({ schedule: t.string }), t.partial({ timezone: t.string, name: t.string, inputs: t.record(t.string, InputValueCodec) })],
  'CronTrigger',
);

/** Absent `triggers` means `{ push: true }`, the original hyperp's only trigger. */
export const Triggers = t.partial(
  { push: t.boolean, manual: t.boolean, cron: t.array(CronTriggerCodec) },
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
      pullRequestComment: t.boolean,
      triggers: Triggers,
      secrets: t.array(SecretRef),
      inputs: t.array(InputDeclaration),
    }),
  ],
  'Workflow',
);
export type Workflow = t.TypeOf<typeof Workflow>;

/** Every key the workflow file may hold, per level: used to suggest the closest known key. */
export const knownKeys = {
  workflow: ['workflowName', 'workflowDescription', 'branches', 'artifacts', 'jobs', 'failFast', 'pullRequestComment', 'triggers', 'secrets', 'inputs'],
  artifacts: ['shared'],
  shared: ['name'],
  job: [
    'jobName', 'jobDescription', 'taskDefinitionPath', 'dependsOn', 'imageBuildResources',
    'downloadable', 'concurrency', 'retries', 'timeoutSeconds', 'secrets',
  ],
  secret: ['name', 'env'],
  input: ['name', 'type', 'default', 'required', 'description', 'options'],
  imageBuildResources: ['cpu', 'memory'],
  triggers: ['push', 'manual', 'cron'],
  cron: ['schedule', 'timezone', 'name', 'inputs'],
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
