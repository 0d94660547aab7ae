/**
 * Rules that look into the repository: files a workflow names must be there.
 */
import { normaliseRepoPath, sameNameFiles } from './repo-path.js';
import { didYouMean, issueAt, type WorkflowRule } from './rule.js';

export const taskDefinitionsPresent: WorkflowRule = (ctx) =>
  (ctx.workflow.jobs ?? []).flatMap((job, k) => {
    const at = ['jobs', k, 'taskDefinitionPath'];
    const path = normaliseRepoPath(job.taskDefinitionPath);
    if (path === undefined) {
      return [issueAt(ctx, 'error', 'task-definition-missing', at, `job "${job.jobName}" names task definition "${job.taskDefinitionPath}", which is not a path inside the repository`)];
    }
    if (ctx.repo.files.some((f) => f.path === path)) return [];
    const hint = didYouMean(path, sameNameFiles(path, ctx.repo.files));
    return [issueAt(ctx, 'error', 'task-definition-missing', at, `job "${job.jobName}" names task definition "${path}", which is not in the repository${hint}`)];
  });
