/**
 * From a decoded, valid workflow to the `WorkflowSpec` the rest of hyperp works with: defaults
 * applied, sizes as numbers, paths normalised and each job's task definition attached.
 */
import { parseCpuUnits, parseMemoryMiB } from '../fargate/size.js';
import type { TaskDefinition } from '../taskdef/model.js';
import { jobDefaults, workflowDefaults, type InputDeclaration, type SecretRef, type Workflow } from './model.js';
import { normaliseRepoPath } from '../repo/path.js';
import type { JobSpec, WorkflowSpec } from './spec.js';
import { jobSecrets, type SecretSpec } from './secrets.js';
import { inputValue, type InputSpec } from './inputs.js';

const secretSpec = (ref: SecretRef): SecretSpec => (typeof ref === 'string' ? { name: ref } : { name: ref.name, ...(ref.env !== undefined ? { env: ref.env } : {}) });

/** A valid declaration as a spec: type string unless given, the default typed, choice options as text. */
export const inputSpec = (d: InputDeclaration): InputSpec => {
  const base = { name: d.name, type: d.type ?? 'string', required: d.required ?? false } as const;
  const options = d.type === 'choice' ? (d.options ?? []).map(String) : undefined;
  const spec: InputSpec = { ...base, ...(options ? { options } : {}), ...(d.description !== undefined ? { description: d.description } : {}) };
  const def = d.default === undefined ? undefined : inputValue(spec, d.default);
  return def?.ok ? { ...spec, default: def.value } : spec;
};

export const toWorkflowSpec = (
  file: string,
  workflow: Workflow,
  taskDefinitions: ReadonlyMap<string, TaskDefinition>,
): WorkflowSpec => {
  const triggers = workflow.triggers ?? {};
  const shared = (workflow.secrets ?? []).map(secretSpec);
  return {
    file,
    name: workflow.workflowName,
    ...(workflow.workflowDescription !== undefined ? { description: workflow.workflowDescription } : {}),
    branches: workflow.branches ?? workflowDefaults.branches,
    sharedArtifacts: (workflow.artifacts?.shared ?? []).map((a) => a.name),
    failFast: workflow.failFast ?? workflowDefaults.failFast,
    // Only an opt-out is written down: specs without it (the default) read as before.
    ...(workflow.pullRequestComment === false ? { pullRequestComment: false } : {}),
    triggers: {
      push: triggers.push ?? workflowDefaults.triggers.push,
      manual: triggers.manual ?? workflowDefaults.triggers.manual,
      cron: triggers.cron ?? workflowDefaults.triggers.cron,
    },
    jobs: (workflow.jobs ?? []).map((job): JobSpec => {
      const taskDefinitionPath = normaliseRepoPath(job.taskDefinitionPath) ?? job.taskDefinitionPath;
      const size = job.imageBuildResources;
      const secrets = jobSecrets(shared, (job.secrets ?? []).map(secretSpec));
      return {
        name: job.jobName,
        ...(job.jobDescription !== undefined ? { description: job.jobDescription } : {}),
        taskDefinitionPath,
        taskDefinition: taskDefinitions.get(taskDefinitionPath)!,
        dependsOn: [...new Set(job.dependsOn ?? jobDefaults.dependsOn)],
        concurrency: job.concurrency ?? jobDefaults.concurrency,
        retries: job.retries ?? jobDefaults.retries,
        ...(job.timeoutSeconds !== undefined ? { timeoutSeconds: job.timeoutSeconds } : {}),
        downloadable: job.downloadable ?? jobDefaults.downloadable,
        ...(size ? { imageBuildResources: { cpu: parseCpuUnits(size.cpu)!, memory: parseMemoryMiB(size.memory)! } } : {}),
        ...(secrets.length > 0 ? { secrets } : {}),
      };
    }),
    ...(workflow.inputs !== undefined && workflow.inputs.length > 0 ? { inputs: workflow.inputs.map(inputSpec) } : {}),
  };
};
