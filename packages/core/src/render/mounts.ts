/**
 * The mounts hyperp gives every container of a job: `/output` (read-write), one read-only
 * `/input/<dependency>` per direct dependency, one `/shared/<name>` per shared artifact of the
 * workflow. Each is an EFS volume named `hyperp-…`; the names are reserved.
 */
import { jobArtifactPath, jobHash, jobSecretsPath, runFilesPath, sharedArtifactPath, type ArtifactScope } from '../names/artifacts.js';
import { SECRETS_DIR } from '../workflow/secrets.js';
import { taggedHash } from '../names/hash.js';

export interface HyperpMount {
  readonly volumeName: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
  /** Artifact path relative to the artifact root (`{commit}/{runId}/{wfHash}/…`). */
  readonly artifactPath: string;
}

export const RESERVED_VOLUME_PREFIX = 'hyperp-';

export interface MountRequest {
  readonly scope: ArtifactScope;
  readonly job: string;
  readonly dependsOn: readonly string[];
  readonly sharedArtifacts: readonly string[];
  /** Run whose outputs a dependency's `/input` shows; default the run itself (a rerun reuses earlier outputs). */
  readonly inputRuns?: Readonly<Record<string, string>>;
  /** The workflow takes inputs: `/run/hyperp` (read-only) shows the run's `inputs.json`. */
  readonly runFiles?: boolean;
  /** The job's secret files, written by the control plane (`RenderSettings.secretsOnEfs`): `/run/secrets`, read-only. */
  readonly secrets?: boolean;
}

/** The volume of a job's secret files on a deployment. */
export const SECRETS_VOLUME = 'hyperp-secrets';

/** Where tasks read the run's own files (`inputs.json`). */
export const RUN_FILES_DIR = '/run/hyperp';

export const hyperpMounts = (r: MountRequest): readonly HyperpMount[] => [
  { volumeName: 'hyperp-output', containerPath: '/output', readOnly: false, artifactPath: jobArtifactPath(r.scope, r.job) },
  ...r.dependsOn.map((dep) => ({
    volumeName: `hyperp-input-${jobHash(dep)}`,
    containerPath: `/input/${dep}`,
    readOnly: true,
    artifactPath: jobArtifactPath({ ...r.scope, runId: r.inputRuns?.[dep] ?? r.scope.runId }, dep),
  })),
  ...r.sharedArtifacts.map((name) => ({
    volumeName: `hyperp-shared-${taggedHash('shared', name, 16)}`,
    containerPath: `/shared/${name}`,
    readOnly: false,
    artifactPath: sharedArtifactPath(r.scope, name),
  })),
  ...(r.runFiles === true
    ? [{ volumeName: 'hyperp-run', containerPath: RUN_FILES_DIR, readOnly: true, artifactPath: runFilesPath(r.scope) }]
    : []),
  ...(r.secrets === true
    ? [{ volumeName: SECRETS_VOLUME, containerPath: SECRETS_DIR, readOnly: true, artifactPath: jobSecretsPath(r.scope, r.job) }]
    : []),
];

/** `/a//b/` → `/a/b`, for comparing container paths. */
export const normalizeContainerPath = (p: string): string => `/${p.split('/').filter((s) => s !== '' && s !== '.').join('/')}`;

/** True when one path is the other or lies inside it: either mount would hide the other. */
export const pathsOverlap = (a: string, b: string): boolean => {
  const x = normalizeContainerPath(a);
  const y = normalizeContainerPath(b);
  return x === y || x === '/' || y === '/' || x.startsWith(`${y}/`) || y.startsWith(`${x}/`);
};

/**
 * Why an EFS `rootDirectory` names no folder of its file system, if it does not: one that goes
 * up with `..` (or holds a NUL byte) could reach past the folder it is given locally.
 */
export const efsRootProblem = (rootDirectory: string): string | undefined => {
  if (rootDirectory.includes('\0')) return 'holds a NUL byte';
  return rootDirectory.split('/').includes('..') ? 'goes up with ".."; name a folder of the file system without ".."' : undefined;
};
