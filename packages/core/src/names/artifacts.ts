/**
 * Where a run's artifacts live, on EFS and under the local store alike:
 *   `{commit}/{runId}/{wfHash}/{jobHash}/`          a job's `/output`, seen by dependents as `/input/<job>`
 *   `{commit}/{runId}/{wfHash}/shared/{name}/`      a shared artifact, `/shared/<name>` in every task
 *   `hyperp-artifacts/{commit}/{runId}/{wfHash}/{jobHash}/artifacts.zip`   a downloadable job's zip on S3
 * Workflow and job names enter as hashes, so names with spaces, `*`, `/` or `+` give safe paths.
 * Paths are relative (no leading or trailing `/`); callers join them under their own root.
 */
import { taggedHash } from './hash.js';

export interface ArtifactScope {
  readonly commit: string;
  readonly runId: string;
  readonly workflow: string;
}

/** 16 hex digits of the workflow's name: stable across commits and runs. */
export const workflowHash = (workflowName: string): string => taggedHash('workflow', workflowName, 16);

/** 16 hex digits of the job's name (the path already scopes it to its workflow). */
export const jobHash = (jobName: string): string => taggedHash('job', jobName, 16);

const base = (s: ArtifactScope): string =>
  `${encodeURIComponent(s.commit)}/${encodeURIComponent(s.runId)}/${workflowHash(s.workflow)}`;

/** The directory a job's tasks write to (`/output`). */
export const jobArtifactPath = (s: ArtifactScope, jobName: string): string => `${base(s)}/${jobHash(jobName)}`;

/** The directory of a shared artifact (`/shared/<name>`). */
export const sharedArtifactPath = (s: ArtifactScope, name: string): string =>
  `${base(s)}/shared/${encodeURIComponent(name)}`;

/**
 * A deployment's folder of the run's secret files (`{runSecretsPath}/{jobHash}/{name}`, shown to
 * the job read-only at `/run/secrets`), removed as the run ends; no job hash is `secrets`.
 */
export const runSecretsPath = (s: ArtifactScope): string => `${base(s)}/secrets`;

/** The folder of one job's secret files on a deployment. */
export const jobSecretsPath = (s: ArtifactScope, jobName: string): string => `${runSecretsPath(s)}/${jobHash(jobName)}`;

/** The run's own files (`inputs.json`), shown read-only at `/run/hyperp`; no job hash is `run`. */
export const runFilesPath = (s: ArtifactScope): string => `${base(s)}/run`;

export const DOWNLOADABLE_PREFIX = 'hyperp-artifacts';

/** S3 key of a downloadable job's zip. */
export const downloadableKey = (s: ArtifactScope, jobName: string): string =>
  `${DOWNLOADABLE_PREFIX}/${jobArtifactPath(s, jobName)}/artifacts.zip`;
