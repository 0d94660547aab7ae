/**
 * Rule `input-bounds`: files too large, nested too deeply, or too many of them (see
 * `bounds.ts` for each bound and why). Size and nesting are checked on the raw text, before
 * any parser runs; the counts on the listing and the decoded workflow.
 */
import type { RepoSnapshot } from '../repo/snapshot.js';
import { formatBytes, inputBounds, nestingProblem, utf8Bytes } from './bounds.js';
import type { ValidationIssue } from './issue.js';
import { issueAt, type WorkflowRule } from './rule.js';

export type BoundedKind = 'workflow file' | 'task definition';

const byteLimit = (kind: BoundedKind): number => (kind === 'workflow file' ? inputBounds.workflowFileBytes : inputBounds.taskDefinitionBytes);

const sizeIssue = (file: string, kind: BoundedKind, bytes: number): ValidationIssue => ({
  severity: 'error',
  file,
  path: '',
  message: kind === 'task definition'
    ? `the task definition is ${formatBytes(bytes)}; ECS takes task definitions of at most ${formatBytes(inputBounds.taskDefinitionBytes)}`
    : `the workflow file is ${formatBytes(bytes)}; hyperp reads workflow files of at most ${formatBytes(inputBounds.workflowFileBytes)}`,
  rule: 'input-bounds',
});

/** A file of the listing too large to read, by the size the snapshot knows (none when unknown). */
export const listedSizeIssue = (repo: RepoSnapshot, file: string, kind: BoundedKind): ValidationIssue | undefined => {
  const bytes = repo.size?.(file);
  return bytes !== undefined && bytes > byteLimit(kind) ? sizeIssue(file, kind, bytes) : undefined;
};

/** Size and nesting of a file's text, before it is parsed: at most one issue. */
export const textBoundsIssues = (file: string, text: string, kind: BoundedKind): ValidationIssue[] => {
  // Every UTF-16 unit is at least one byte: a text this long is too large without counting.
  const bytes = text.length > byteLimit(kind) ? text.length : utf8Bytes(text);
  if (bytes > byteLimit(kind)) return [sizeIssue(file, kind, bytes)];
  const deep = nestingProblem(text);
  if (deep === undefined) return [];
  return [{
    severity: 'error',
    file,
    path: '',
    ...deep,
    message: `values are nested more than ${inputBounds.nestingDepth} levels deep here; hyperp reads ${kind === 'workflow file' ? 'workflow files' : 'task definitions'} nested at most ${inputBounds.nestingDepth} levels (real ones use fewer than 10)`,
    rule: 'input-bounds',
  }];
};

export const jobsCount: WorkflowRule = (ctx) => {
  const n = ctx.workflow.jobs?.length ?? 0;
  return n <= inputBounds.jobsPerWorkflow
    ? []
    : [issueAt(ctx, 'error', 'input-bounds', ['jobs'], `the workflow has ${n} jobs; a workflow may have at most ${inputBounds.jobsPerWorkflow}`)];
};

/** Reported once, at the workflow folder, when a repository has more workflow files than hyperp reads. */
export const workflowFilesCount = (directory: string, files: readonly string[]): ValidationIssue[] =>
  files.length <= inputBounds.workflowFiles
    ? []
    : [{ severity: 'error', file: directory, path: '', message: `the repository has ${files.length} workflow files; hyperp reads at most ${inputBounds.workflowFiles}`, rule: 'input-bounds' }];

/** The task definitions one workflow's runs carry, counted once per file. */
export const taskDefinitionsTotal = (ctx: Parameters<WorkflowRule>[0], bytes: number): ValidationIssue[] =>
  bytes <= inputBounds.taskDefinitionBytesPerWorkflow
    ? []
    : [issueAt(ctx, 'error', 'input-bounds', ['jobs'],
        `the task definitions of this workflow's jobs total ${formatBytes(bytes)}; every run carries them, and a workflow's may total at most ${formatBytes(inputBounds.taskDefinitionBytesPerWorkflow)}`)];
