/**
 * Every artifact directory a run needs before its first task starts: each job's output and each
 * shared artifact. The reducer's "ensure directories" command carries this list.
 */
import { jobArtifactPath, jobSecretsPath, runFilesPath, sharedArtifactPath } from '../names/artifacts.js';
import type { RunInputs } from '../workflow/inputs.js';
import type { WorkflowSpec } from '../workflow/spec.js';

export const runArtifactDirectories = (
  workflow: Pick<WorkflowSpec, 'name' | 'sharedArtifacts' | 'jobs' | 'inputs'>,
  commit: string,
  runId: string,
): readonly string[] => {
  const scope = { commit, runId, workflow: workflow.name };
  return [
    ...workflow.jobs.map((j) => jobArtifactPath(scope, j.name)),
    ...workflow.sharedArtifacts.map((name) => sharedArtifactPath(scope, name)),
    ...((workflow.inputs ?? []).length > 0 ? [runFilesPath(scope)] : []),
  ];
};

/** The run's files: `inputs.json` when the workflow takes inputs (all of them, defaults filled in). */
export const runFiles = (
  workflow: Pick<WorkflowSpec, 'name' | 'inputs'>,
  commit: string,
  runId: string,
  inputs: RunInputs | undefined,
): readonly { readonly path: string; readonly text: string }[] =>
  (workflow.inputs ?? []).length === 0 ? [] : [{ path: `${runFilesPath({ commit, runId, workflow: workflow.name })}/inputs.json`, text: `${JSON.stringify(inputs ?? {})}\n` }];

/**
 * The secret files of a run on a deployment (`RenderSettings.secretsOnEfs`): a folder per job
 * that declares secrets, and in it a file per secret, by name only. The adapter reads each value
 * and writes it; a value never enters a command, an event or the state.
 */
export const runSecretFiles = (
  workflow: Pick<WorkflowSpec, 'name' | 'jobs'>,
  commit: string,
  runId: string,
  reused: readonly { readonly job: string }[] = [],
): { readonly paths: readonly string[]; readonly secrets: readonly { readonly path: string; readonly name: string }[] } => {
  const scope = { commit, runId, workflow: workflow.name };
  // A job a rerun reuses runs no task: it gets no secret files.
  const skip = new Set(reused.map((r) => r.job));
  const jobs = workflow.jobs.filter((j) => (j.secrets ?? []).length > 0 && !skip.has(j.name));
  return {
    paths: jobs.map((j) => jobSecretsPath(scope, j.name)),
    secrets: jobs.flatMap((j) => (j.secrets ?? []).map((s) => ({ path: `${jobSecretsPath(scope, j.name)}/${s.name}`, name: s.name }))),
  };
};
