/**
 * Rules that look into the repository: files a workflow names must be there.
 */
import { repoFileProblem } from './repo-path.js';
import { issueAt, type WorkflowRule } from './rule.js';

export const taskDefinitionsPresent: WorkflowRule = (ctx) =>
  (ctx.workflow.jobs ?? []).flatMap((job, k) => {
    const at = ['jobs', k, 'taskDefinitionPath'];
    const problem = repoFileProblem(job.taskDefinitionPath, ctx.repo.files, ctx.file);
    if (problem === undefined) return [];
    return [issueAt(ctx, 'error', 'task-definition-missing', at, problem._tag === 'Outside'
      ? `job "${job.jobName}" names task definition "${job.taskDefinitionPath}", which is not a path inside the repository${problem.hint}`
      : `job "${job.jobName}" names task definition "${problem.path}", which is not in the repository${problem.hint}`)];
  });
