/**
 * What a rule sees and how it reports. A rule is a named function from a context to issues;
 * it never throws and never looks at other rules' results.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { RepoSnapshot } from '../repo/snapshot.js';
import type { Workflow } from './model.js';
import { formatPath, type FieldPath, type RuleName, type Severity, type ValidationIssue } from './issue.js';
import type { ParsedSource } from './source.js';

/** A file and where its fields are. */
export interface FileContext {
  readonly file: string;
  readonly source: ParsedSource;
}

/** A workflow file that decoded. */
export interface WorkflowContext extends FileContext {
  readonly workflow: Workflow;
  readonly repo: RepoSnapshot;
}

export type WorkflowRule = (ctx: WorkflowContext) => ValidationIssue[];

export const issueAt = (
  ctx: FileContext,
  severity: Severity,
  rule: RuleName,
  path: FieldPath,
  message: string,
  opts: { readonly key?: boolean } = {},
): ValidationIssue => {
  const pos = ctx.source.position(path, opts);
  return { severity, file: ctx.file, path: formatPath(path), ...(pos ?? {}), message, rule };
};

/**
 * The closest candidate to a misspelt word, when it is close enough to be what was meant:
 * compared without case, `-` and `_`, within a third of the word's length (at least 2 edits),
 * and never by changing every character of a short word ("y" is not a typo of "x").
 */
export const suggestion = (word: string, candidates: readonly string[]): string | undefined => {
  if (candidates.length === 0) return undefined;
  const fold = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');
  const folded = candidates.map(fold);
  const best = closest(fold(word), folded);
  const limit = Math.min(Math.max(2, Math.floor(word.length / 3)), fold(word).length - 1);
  return distance(fold(word), best) <= limit ? candidates[folded.indexOf(best)] : undefined;
};

export const didYouMean = (word: string, candidates: readonly string[]): string => {
  const s = suggestion(word, candidates);
  return s === undefined ? '' : `; did you mean "${s}"?`;
};
