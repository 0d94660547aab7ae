/**
 * Secrets a job reads: declared by name in the workflow (for every job) or in a job, delivered
 * as read-only files at `/run/secrets/<name>`, and as an environment variable only where the
 * YAML asks for one. Names only live here: a value never enters a spec, an event or a command.
 */

export interface SecretSpec {
  readonly name: string;
  /** The environment variable that also holds the value, when the YAML asks for one. */
  readonly env?: string;
}

/** Where a job's containers find their secrets. */
export const SECRETS_DIR = '/run/secrets';

/**
 * Letters, digits, `_` and `-`, starting with a letter or `_`: a file name in `/run/secrets`, the
 * last segment of a Secrets Manager name, a CLI argument; never `.`, `..` or a path.
 */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const SECRET_NAME_MAX = 64;

export const secretNameProblem = (name: string): string | undefined =>
  name.length > SECRET_NAME_MAX ? `it is ${name.length} characters long; at most ${SECRET_NAME_MAX}`
    : SECRET_NAME.test(name) ? undefined
      : 'use letters, digits, "_" and "-", starting with a letter or "_"';

/** Environment variables a secret may not take: hyperp sets them. */
export const reservedEnvProblem = (env: string): string | undefined =>
  !/^[A-Za-z_][A-Za-z0-9_]*$/.test(env) ? 'use letters, digits and "_", not starting with a digit'
    : env === 'TASK_INDEX' || env === 'TASK_TOTAL_SIZE' || env.toUpperCase().startsWith('HYPERP_') ? 'hyperp sets it for every task'
      : undefined;

/** The secrets of each job of a workflow: the workflow's list, then the job's (a job's `env` wins). */
export const jobSecrets = (workflowLevel: readonly SecretSpec[], jobLevel: readonly SecretSpec[]): readonly SecretSpec[] => {
  const byName = new Map<string, SecretSpec>();
  for (const s of [...workflowLevel, ...jobLevel]) {
    const had = byName.get(s.name);
    byName.set(s.name, s.env !== undefined ? s : had ?? s);
  }
  return [...byName.values()];
};

/** Every secret name a workflow's jobs declare, once each, sorted. */
export const declaredSecretNames = (w: { readonly jobs: readonly { readonly secrets?: readonly SecretSpec[] }[] }): readonly string[] =>
  [...new Set(w.jobs.flatMap((j) => (j.secrets ?? []).map((s) => s.name)))].sort();
