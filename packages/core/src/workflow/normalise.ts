/**
 * From a decoded, valid workflow to the `WorkflowSpec` the rest of hyperp works with: defaults
 * applied, sizes as numbers, paths normalised and each job's task definition attached.
 */
import { parseCpuUnits, parseMemoryMiB } from '../fargate/size.js';
import type { TaskDefinition } from '../taskdef/model.js';
import { jobDefaults, workflowDefaults, type Workflow } from './model.js';
import { normaliseRepoPath } from '../repo/path.js';
import type { JobSpec, WorkflowSpec } from './spec.js';

export const toWorkflowSpec = (
  file: string,
  workflow: Workflow,
  taskDefinitions: ReadonlyMap<string, TaskDefinition>,
): WorkflowSpec => {
  const triggers = workflow.triggers ?? {};
  return {
    file,
    name: workflow.workflowName,
    ...(workflow.workflowDescription !== undefined ? { description: workflow.workflowDescription } : {}),
    branches: workflow.branches ?? workflowDefaults.branches,
    sharedArtifacts: (workflow.artifacts?.shared ?? []).map((a) => a.name),
    failFast: workflow.failFast ?? workflowDefaults.failFast,
    triggers: {
      push: triggers.push ?? workflowDefaults.triggers.push,
      manual: triggers.manual ?? workflowDefaults.triggers.manual,
      cron: triggers.cron ?? workflowDefaults.triggers.cron,
    },
    jobs: (workflow.jobs ?? []).map((job): JobSpec => {
      const taskDefinitionPath = normaliseRepoPath(job.taskDefinitionPath) ?? job.taskDefinitionPath;
      const size = job.imageBuildResources;
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
      };
    }),
  };
};
