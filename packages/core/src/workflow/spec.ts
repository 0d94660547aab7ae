/**
 * The normalised workflow every part downstream of validation works with: defaults applied,
 * sizes as numbers, each job's task definition decoded. Validation (`validate.ts`) is the only
 * producer; plan, render and the run reducer consume it.
 */
import type { CronTrigger } from './model.js';
import type { TaskDefinition } from '../taskdef/model.js';
import type { InputSpec } from './inputs.js';
import type { SecretSpec } from './secrets.js';

/** A job of a validated workflow, defaults applied and its task definition decoded. */
export interface JobSpec {
  readonly name: string;
  readonly description?: string;
  /** Normalised repo path (`./a//b.json` → `a/b.json`). */
  readonly taskDefinitionPath: string;
  /**
   * The decoded task definition: task-level `cpu` and `memory` as whole-number strings (CPU
   * units, MiB; `"1 vCPU"` becomes `"1024"`) and a valid Fargate size; `dockerfilePath`s
   * normalised; every container gives exactly one of `image` and `dockerfilePath`.
   */
  readonly taskDefinition: TaskDefinition;
  /** Direct dependencies, by job name, in declaration order. */
  readonly dependsOn: readonly string[];
  /** Tasks launched in parallel for this job; each sees TASK_INDEX 1..concurrency. */
  readonly concurrency: number;
  /** Extra attempts per task after the first fails. */
  readonly retries: number;
  readonly timeoutSeconds?: number;
  readonly downloadable: boolean;
  /** Size of the image builds of this job (Fargate cpu units, MiB). */
  readonly imageBuildResources?: { readonly cpu: number; readonly memory: number };
  /**
   * The secrets its containers get at `/run/secrets/<name>`: the workflow's, then its own.
   * Absent (none) in specs made before secrets existed.
   */
  readonly secrets?: readonly SecretSpec[];
}

/** A validated workflow, defaults applied: what `planWorkflow`, `runRequested` and the reducer take. */
export interface WorkflowSpec {
  /** Repo path of the YAML file, e.g. `hyperp-workflows/calculator.yaml`. */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  /** Branch patterns (GitHub filter syntax); `['**']` when the file gives none. */
  readonly branches: readonly string[];
  readonly sharedArtifacts: readonly string[];
  readonly failFast: boolean;
  /** `false`: the pull request summary comment leaves this workflow out; absent: it is shown. */
  readonly pullRequestComment?: boolean;
  /** Each defaults on its own: push true, manual true, cron none. */
  readonly triggers: { readonly push: boolean; readonly manual: boolean; readonly cron: readonly CronTrigger[] };
  /** In declaration order. */
  readonly jobs: readonly JobSpec[];
  /** The inputs a run takes, in declaration order; absent (none) in specs made before inputs existed. */
  readonly inputs?: readonly InputSpec[];
}
