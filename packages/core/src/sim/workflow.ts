/**
 * Synthetic workflows for the simulator, benchmarks and tests: a DAG described in a line per job
 * becomes a normalised `WorkflowSpec`, its `Plan` and a `RunRequested`, with every job built from
 * its own Dockerfile (or sharing one) so image keys and task definitions are realistic.
 */
import { sha256Hex } from '../names/hash.js';
import type { WorkflowPlan } from '../plan/types.js';
import type { JobSpec, WorkflowSpec } from '../workflow/spec.js';
import type { ReusedJob, RunRequested, Trigger } from '../run/events.js';
import { runSettings, type RunSettings } from '../run/settings.js';

/** A job of a synthetic workflow: name, dependencies, concurrency, retries, timeout and image action. */
export interface SyntheticJob {
  readonly name: string;
  readonly dependsOn?: readonly string[];
  readonly concurrency?: number;
  readonly retries?: number;
  readonly timeoutSeconds?: number;
  readonly downloadable?: boolean;
  /** Jobs naming the same image share one build; default: the job's own name. */
  readonly image?: string;
  /** `reuse` when the image already exists (no build). Default `build`. */
  readonly imageAction?: 'build' | 'reuse';
}

/** A workflow described by its jobs alone, for simulations and tests. */
export interface SyntheticWorkflow {
  readonly name?: string;
  readonly failFast?: boolean;
  readonly sharedArtifacts?: readonly string[];
  readonly jobs: readonly SyntheticJob[];
}

/** The image key a synthetic job's image gets (64 hex digits, stable per image name). */
export const syntheticImageKey = (image: string): string => sha256Hex(`synthetic-image:${image}`);

const jobSpec = (j: SyntheticJob): JobSpec => ({
  name: j.name,
  taskDefinitionPath: `jobs/${j.image ?? j.name}/taskdef.json`,
  taskDefinition: {
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'main', dockerfilePath: `jobs/${j.image ?? j.name}/Dockerfile`, essential: true }],
  },
  dependsOn: j.dependsOn ?? [],
  concurrency: j.concurrency ?? 1,
  retries: j.retries ?? 0,
  ...(j.timeoutSeconds === undefined ? {} : { timeoutSeconds: j.timeoutSeconds }),
  downloadable: j.downloadable ?? false,
});

/** The `WorkflowSpec` of a synthetic workflow. */
export const syntheticWorkflowSpec = (w: SyntheticWorkflow): WorkflowSpec => ({
  file: `hyperp-workflows/${w.name ?? 'synthetic'}.yaml`,
  name: w.name ?? 'synthetic',
  branches: ['**'],
  sharedArtifacts: w.sharedArtifacts ?? [],
  failFast: w.failFast ?? false,
  triggers: { push: true, manual: false, cron: [] },
  jobs: w.jobs.map(jobSpec),
});

/** The plan of a synthetic workflow (images built or reused as its jobs say). */
export const syntheticPlan = (w: SyntheticWorkflow): WorkflowPlan => {
  const spec = syntheticWorkflowSpec(w);
  return {
    name: spec.name,
    file: spec.file,
    jobs: w.jobs.map((j) => {
      const image = j.image ?? j.name;
      const action = j.imageAction ?? 'build';
      return {
        name: j.name,
        action,
        images: [{
          container: 'main', dockerfilePath: `jobs/${image}/Dockerfile`, context: `jobs/${image}`,
          key: syntheticImageKey(image), action,
          reason: action === 'build' ? 'build: no earlier image' : 'reuse: key exists', changedFiles: [],
        }],
      };
    }),
  };
};

/** Settings for simulated runs: us-east-1 prices, a commit status context, Fargate's launch rate. */
export const simulatedSettings: RunSettings = runSettings({
  render: {
    region: 'us-east-1',
    imageRepository: '123456789012.dkr.ecr.us-east-1.amazonaws.com/hyperp',
    efs: { fileSystemId: 'fs-0123456789abcdef0', rootDirectory: '/hyperp' },
    logGroup: '/hyperp/tasks',
    executionRoleArn: 'arn:aws:iam::123456789012:role/hyperp-execution',
    taskRoleArn: 'arn:aws:iam::123456789012:role/hyperp-job',
  },
  statusContext: 'hyperp/synthetic',
});

/** Options of `syntheticRunRequested`: run id, time, commit, settings, reuse and trigger. */
export interface SyntheticRequestOptions {
  readonly runId?: string;
  readonly at?: number;
  readonly commit?: string;
  readonly settings?: RunSettings;
  readonly reuse?: readonly ReusedJob[];
  readonly trigger?: Trigger;
}

/** A `RunRequested` for a synthetic workflow: a test request without files or a repository. */
export const syntheticRunRequested = (w: SyntheticWorkflow, o: SyntheticRequestOptions = {}): RunRequested => ({
  _tag: 'RunRequested',
  at: o.at ?? 0,
  runId: o.runId ?? 'run-1',
  trigger: o.trigger ?? { kind: 'push', deliveryId: null, sender: null },
  commit: o.commit ?? 'c0ffee0000000000000000000000000000000000',
  branch: 'main',
  dirty: false,
  workflow: syntheticWorkflowSpec(w),
  plan: syntheticPlan(w),
  settings: o.settings ?? simulatedSettings,
  reuse: o.reuse ?? [],
});
