/**
 * Validation issues as data: what is wrong, where (file, field path, line and column) and which
 * rule found it. Validation returns them and never throws; only the CLI turns them into text.
 */

export type Severity = 'error' | 'warning';

/** Every rule, by the name issues carry (stable: fixtures and users' tooling match on it). */
export const ruleNames = [
  'no-workflows',
  'yaml-syntax',
  'input-bounds',
  'schema',
  'unknown-key',
  'jobs-empty',
  'duplicate-job-name',
  'duplicate-workflow-name',
  'workflow-name',
  'unknown-dependency',
  'self-dependency',
  'duplicate-dependency',
  'dependency-cycle',
  'concurrency-range',
  'retries-range',
  'timeout-positive',
  'image-build-resources',
  'task-size',
  'branch-pattern',
  'artifact-name',
  'job-name-path',
  'input-mount-overlap',
  'task-definition-missing',
  'task-definition-syntax',
  'task-definition-schema',
  'task-definition-key',
  'container-image',
  'task-definition-mounts',
  'task-definition-roles',
  'task-definition-size',
  'dockerfile-missing',
  'cron-schedule',
  'secret-name',
  'secret-env',
  'input-declaration',
  'trigger-inputs',
] as const;
/** The name of a validation rule (stable: match issues on it). */
export type RuleName = (typeof ruleNames)[number];

/** A problem in a workflow or task definition file: severity, file, field path, line and column, message and rule. */
export interface ValidationIssue {
  readonly severity: Severity;
  /** Repo path of the file the issue is in (a workflow YAML or a task definition JSON). */
  readonly file: string;
  /** Field path inside the file, e.g. `jobs[2].dependsOn[0]`; '' for the whole file. */
  readonly path: string;
  /** 1-based line of the field in the file; undefined when no position is known. */
  readonly line?: number;
  /** 1-based column of the field. */
  readonly column?: number;
  readonly message: string;
  readonly rule: RuleName;
}

/** A field path as segments: keys and list indexes. */
export type FieldPath = readonly (string | number)[];

/** `['jobs', 2, 'dependsOn', 0]` → `jobs[2].dependsOn[0]`; keys that are not identifiers are quoted. */
export const formatPath = (path: FieldPath): string =>
  path
    .map((seg, k) =>
      typeof seg === 'number'
        ? `[${seg}]`
        : /^[A-Za-z_$][\w$]*$/.test(seg)
          ? `${k === 0 ? '' : '.'}${seg}`
          : `[${JSON.stringify(seg)}]`,
    )
    .join('');

/** Issues of a file that did not parse (or parsed with warnings): at the problem's position, if known. */
export const syntaxIssues = (
  file: string,
  problems: readonly { readonly line?: number; readonly column?: number; readonly message: string }[],
  severity: Severity,
  rule: RuleName,
  prefix: string,
): ValidationIssue[] =>
  problems.map((p) => ({
    severity,
    file,
    path: '',
    ...(p.line !== undefined ? { line: p.line, column: p.column } : {}),
    message: `${prefix}${p.message}`,
    rule,
  }));

/** True when any of the issues is an error (warnings alone do not stop a workflow from loading). */
export const hasErrors = (issues: readonly ValidationIssue[]): boolean => issues.some((i) => i.severity === 'error');

/** Issues by file, then line, column and rule: the order people read them in. */
export const sortIssues = (issues: readonly ValidationIssue[]): ValidationIssue[] =>
  [...issues].sort(
    (a, b) =>
      cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || cmp(a.rule, b.rule) ||
      cmp(a.message, b.message),
  );
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
