/**
 * Where a workflow file asks for each secret: the position of every name in a `secrets:` list
 * (the workflow's and each job's), for checks made outside the loader against a store of
 * values — a deployment that lacks one is said at the line that asks for it, as an issue.
 */
import { formatPath, type FieldPath, type ValidationIssue } from './issue.js';
import { parseYaml } from './source.js';

export interface SecretPlace {
  readonly name: string;
  /** `the workflow`, or `job "<jobName>"`. */
  readonly owner: string;
  readonly file: string;
  /** The name's field, e.g. `jobs[1].secrets[0].name`. */
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  /** The environment variable the YAML also asks for (`env:`), and where. */
  readonly env?: { readonly name: string; readonly path: string; readonly line?: number; readonly column?: number };
}

const envOf = (ref: unknown): string | undefined =>
  typeof ref === 'object' && ref !== null && typeof (ref as { env?: unknown }).env === 'string' ? (ref as { env: string }).env : undefined;

const nameOf = (ref: unknown): string | undefined =>
  typeof ref === 'string' ? ref : typeof ref === 'object' && ref !== null && typeof (ref as { name?: unknown }).name === 'string' ? (ref as { name: string }).name : undefined;

/** Every secret name `text` (the workflow file `file`) declares, in file order; none when it does not parse. */
export const secretPlaces = (file: string, text: string): SecretPlace[] => {
  const parsed = parseYaml(text);
  if (!parsed.ok) return [];
  const root = parsed.source.value as { secrets?: unknown; jobs?: unknown } | null;
  if (typeof root !== 'object' || root === null) return [];
  const lists: { at: FieldPath; refs: unknown; owner: string }[] = [{ at: ['secrets'], refs: root.secrets, owner: 'the workflow' }];
  if (Array.isArray(root.jobs)) {
    root.jobs.forEach((j: { jobName?: unknown; secrets?: unknown } | null, k) => {
      if (typeof j === 'object' && j !== null) lists.push({ at: ['jobs', k, 'secrets'], refs: j.secrets, owner: `job "${String(j.jobName)}"` });
    });
  }
  return lists.flatMap(({ at, refs, owner }) =>
    (Array.isArray(refs) ? refs : []).flatMap((ref: unknown, i): SecretPlace[] => {
      const name = nameOf(ref);
      if (name === undefined) return [];
      const path: FieldPath = typeof ref === 'string' ? [...at, i] : [...at, i, 'name'];
      const env = envOf(ref);
      const envPath: FieldPath = [...at, i, 'env'];
      return [{
        name, owner, file, path: formatPath(path), ...(parsed.source.position(path) ?? {}),
        ...(env !== undefined ? { env: { name: env, path: formatPath(envPath), ...(parsed.source.position(envPath) ?? {}) } } : {}),
      }];
    }),
  );
};

/** An issue at a place: a secret's name (rule `secret-name`) or its `env` (rule `secret-env`). */
export const secretIssueAt = (
  file: string, at: { readonly path: string; readonly line?: number; readonly column?: number }, rule: 'secret-name' | 'secret-env', message: string,
): ValidationIssue => ({
  severity: 'error', file, path: at.path, ...(at.line !== undefined ? { line: at.line, column: at.column ?? 1 } : {}), message, rule,
});
