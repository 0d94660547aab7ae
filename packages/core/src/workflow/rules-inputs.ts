/**
 * Rules on run inputs: `input-declaration` (names, types, defaults, choices) and
 * `trigger-inputs` (a named cron trigger's fixed inputs match the declaration).
 */
import type { FieldPath, ValidationIssue } from './issue.js';
import { inputNameProblem, inputValue, resolveInputs } from './inputs.js';
import { inputSpec } from './normalise.js';
import { issueAt, type WorkflowRule } from './rule.js';

export const inputDeclarations: WorkflowRule = (ctx) => {
  const decls = ctx.workflow.inputs ?? [];
  return decls.flatMap((d, k): ValidationIssue[] => {
    const at: FieldPath = ['inputs', k];
    const issue = (field: FieldPath, message: string): ValidationIssue => issueAt(ctx, 'error', 'input-declaration', [...at, ...field], message);
    const why = inputNameProblem(d.name);
    if (why) return [issue(['name'], `input name ${JSON.stringify(d.name)} is not valid: ${why}`)];
    // Names differing only in case would share one HYPERP_INPUT_<NAME> variable.
    const first = decls.findIndex((e) => e.name.toUpperCase() === d.name.toUpperCase());
    if (first < k) return [issue(['name'], `input "${d.name}" is already declared by inputs[${first}]${decls[first]!.name === d.name ? '' : ` as "${decls[first]!.name}" (names differing only in case share one environment variable)`}`)];
    const issues: ValidationIssue[] = [];
    if (d.type === 'choice') {
      const options = d.options ?? [];
      if (options.length === 0) issues.push(issue(d.options ? ['options'] : ['type'], `choice input "${d.name}" needs a list of options`));
      options.forEach((o, i) => {
        if (typeof o !== 'string') issues.push(issue(['options', i], `option ${JSON.stringify(o)} of input "${d.name}" must be a string; quote it`));
        else if (options.indexOf(o) < i) issues.push(issue(['options', i], `option "${o}" of input "${d.name}" is listed twice`));
      });
      if (issues.length > 0) return issues;
    } else if (d.options !== undefined) {
      return [issue(['options'], `options are for choice inputs; input "${d.name}" is of type ${d.type ?? 'string'}`)];
    }
    if (d.default !== undefined) {
      const v = inputValue(inputSpec(d), d.default);
      if (!v.ok) issues.push(issue(['default'], `default of ${v.reason}`));
    }
    return issues;
  });
};

export const triggerInputs: WorkflowRule = (ctx) => {
  const decls = ctx.workflow.inputs ?? [];
  // Declarations with problems are reported by their own rule; the triggers are checked against valid ones.
  if (inputDeclarations(ctx).length > 0) return [];
  const specs = decls.map(inputSpec);
  const cron = ctx.workflow.triggers?.cron ?? [];
  return cron.flatMap((c, k): ValidationIssue[] => {
    const at: FieldPath = ['triggers', 'cron', k];
    const issues: ValidationIssue[] = [];
    if (c.name !== undefined) {
      const why = inputNameProblem(c.name);
      if (why) issues.push(issueAt(ctx, 'error', 'trigger-inputs', [...at, 'name'], `trigger name ${JSON.stringify(c.name)} is not valid: ${why}`));
      const first = cron.findIndex((o) => o.name === c.name);
      if (first < k) issues.push(issueAt(ctx, 'error', 'trigger-inputs', [...at, 'name'], `trigger name "${c.name}" is already used by triggers.cron[${first}]`));
    }
    const r = resolveInputs(specs, c.inputs ?? {});
    if (!r.ok) {
      const field: FieldPath = c.inputs !== undefined ? [...at, 'inputs'] : at;
      issues.push(...r.problems.map((p) => issueAt(ctx, 'error', 'trigger-inputs', field, `cron trigger ${c.name !== undefined ? `"${c.name}"` : `"${c.schedule}"`}: ${p}`)));
    }
    return issues;
  });
};
