/**
 * Every artifact directory a run needs before its first task starts: each job's output and each
 * shared artifact. The reducer's "ensure directories" command carries this list.
 */
import { jobArtifactPath, sharedArtifactPath } from '../names/artifacts.js';
import type { WorkflowSpec } from '../workflow/spec.js';

export const runArtifactDirectories = (
  workflow: Pick<WorkflowSpec, 'name' | 'sharedArtifacts' | 'jobs'>,
  commit: string,
  runId: string,
): readonly string[] => {
  const scope = { commit, runId, workflow: workflow.name };
  return [
    ...workflow.jobs.map((j) => jobArtifactPath(scope, j.name)),
    ...workflow.sharedArtifacts.map((name) => sharedArtifactPath(scope, name)),
  ];
};
