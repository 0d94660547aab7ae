/**
 * Validation issues as check-run annotations: the same issues `hyperp validate` prints, each at
 * its file and line, so GitHub shows the error on the line in the pull request's diff. The
 * Checks API takes at most 50 annotations per request; more are appended by further updates of
 * the same check run (REST "Update a check run", `output.annotations`, read 2026-12).
 */
import { sortIssues, type ValidationIssue } from '../workflow/issue.js';
import { clipText, mdText } from './markdown.js';
import { checkOutputMax } from './check-run.js';

export interface CheckAnnotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  /** Only with a one-line annotation (`start_line` = `end_line`), as the API requires. */
  readonly start_column?: number;
  readonly end_column?: number;
  readonly annotation_level: 'failure' | 'warning' | 'notice';
  readonly title: string;
  /** At most 64 KB. */
  readonly message: string;
}

/** Per request (REST "Update a check run", `output.annotations`: "maximum of 50"). */
export const annotationsPerRequest = 50;

export const issueAnnotation = (i: ValidationIssue): CheckAnnotation => {
  // An issue with no position (a file too large, a missing file) is shown on its first line.
  const line = i.line ?? 1;
  return {
    path: i.file,
    start_line: line,
    end_line: line,
    ...(i.column !== undefined && i.line !== undefined ? { start_column: i.column, end_column: i.column } : {}),
    annotation_level: i.severity === 'error' ? 'failure' : 'warning',
    title: `${i.rule}${i.path ? `: ${i.path}` : ''}`.slice(0, 255),
    message: i.message.slice(0, 60_000),
  };
};

/** The annotations of the issues, in the order people read them, in batches the API takes. */
export const annotationBatches = (issues: readonly ValidationIssue[]): CheckAnnotation[][] => {
  const all = sortIssues(issues).map(issueAnnotation);
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < all.length; i += annotationsPerRequest) batches.push(all.slice(i, i + annotationsPerRequest));
  return batches;
};

/** The check of a push whose workflow files or task definitions do not validate. */
export interface ValidationCheck {
  readonly name: string;
  readonly conclusion: 'action_required';
  readonly title: string;
  readonly summary: string;
  readonly batches: CheckAnnotation[][];
}

/** The name of the check that reports a commit's workflow files. */
export const validationCheckName = 'hyperp/validate';

export const validationCheck = (issues: readonly ValidationIssue[], extra: readonly string[] = []): ValidationCheck => {
  const errors = issues.filter((i) => i.severity === 'error');
  const files = [...new Set(errors.map((i) => i.file))];
  const count = errors.length + extra.length;
  const lines = sortIssues(issues).map((i) => `- \`${mdText(i.file)}${i.line !== undefined ? `:${i.line}${i.column !== undefined ? `:${i.column}` : ''}` : ''}\` ${i.severity}: ${mdText(i.message)}${i.path ? ` (${mdText(i.path)})` : ''}`);
  const summary = [
    `hyperp found ${count} problem${count === 1 ? '' : 's'}${files.length > 0 ? ` in ${files.length} file${files.length === 1 ? '' : 's'}` : ''}; the workflows with errors did not run. \`hyperp validate\` prints the same list.`,
    [...lines, ...extra.map((e) => `- ${mdText(e)}`)].join('\n'),
  ].join('\n\n');
  return {
    name: validationCheckName,
    conclusion: 'action_required',
    title: `${count} problem${count === 1 ? '' : 's'} in the workflow files`,
    summary: clipText(summary, checkOutputMax),
    batches: annotationBatches(issues),
  };
};
