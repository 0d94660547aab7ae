/**
 * Rules on declared secrets: `secret-name` (each name a safe file name, once per list) and
 * `secret-env` (an environment variable only where asked, with a warning that says why files
 * are safer, and never one hyperp sets or another secret takes).
 */
import type { SecretRef } from './model.js';
import type { FieldPath, ValidationIssue } from './issue.js';
import { issueAt, type WorkflowContext, type WorkflowRule } from './rule.js';
import { reservedEnvProblem, secretNameProblem } from './secrets.js';

/** Each list of secrets with where it sits: the workflow's, then each job's. */
const lists = (ctx: WorkflowContext): { readonly at: FieldPath; readonly refs: readonly SecretRef[]; readonly owner: string }[] => [
  { at: ['secrets'], refs: ctx.workflow.secrets ?? [], owner: 'the workflow' },
  ...(ctx.workflow.jobs ?? []).map((j, k) => ({ at: ['jobs', k, 'secrets'] as FieldPath, refs: j.secrets ?? [], owner: `job "${j.jobName}"` })),
];

const nameOf = (ref: SecretRef): string => (typeof ref === 'string' ? ref : ref.name);
const namePath = (at: FieldPath, ref: SecretRef, i: number): FieldPath => (typeof ref === 'string' ? [...at, i] : [...at, i, 'name']);

export const secretNames: WorkflowRule = (ctx) =>
  lists(ctx).flatMap(({ at, refs, owner }) =>
    refs.flatMap((ref, i): ValidationIssue[] => {
      const name = nameOf(ref);
      const why = secretNameProblem(name);
      if (why) return [issueAt(ctx, 'error', 'secret-name', namePath(at, ref, i), `secret name ${JSON.stringify(name)} of ${owner} is not valid: ${why}`)];
      const first = refs.findIndex((r) => nameOf(r) === name);
      return first < i
        ? [issueAt(ctx, 'error', 'secret-name', namePath(at, ref, i), `secret "${name}" is already listed by ${owner} at ${at.length === 1 ? 'secrets' : `jobs[${at[1]}].secrets`}[${first}]`)]
        : [];
    }),
  );

/** Why an environment variable is the weaker way to a secret, said once per ask. */
const ENV_WARNING =
  'an environment variable shows in process listings, `docker inspect`, crash dumps and child processes; prefer reading the file';

export const secretEnv: WorkflowRule = (ctx) => {
  const issues: ValidationIssue[] = [];
  for (const { at, refs, owner } of lists(ctx)) {
    const taken = new Map<string, string>();
    refs.forEach((ref, i) => {
      if (typeof ref === 'string' || ref.env === undefined) return;
      const path: FieldPath = [...at, i, 'env'];
      const why = reservedEnvProblem(ref.env);
      if (why) {
        issues.push(issueAt(ctx, 'error', 'secret-env', path, `environment variable ${JSON.stringify(ref.env)} for secret "${ref.name}" of ${owner} cannot be used: ${why}`));
        return;
      }
      const other = taken.get(ref.env);
      if (other !== undefined) {
        issues.push(issueAt(ctx, 'error', 'secret-env', path, `environment variable "${ref.env}" of ${owner} already holds secret "${other}"`));
        return;
      }
      taken.set(ref.env, ref.name);
      issues.push(issueAt(ctx, 'warning', 'secret-env', path, `secret "${ref.name}" of ${owner} is also given as environment variable "${ref.env}": ${ENV_WARNING} /run/secrets/${ref.name}`));
    });
  }
  return issues;
};
