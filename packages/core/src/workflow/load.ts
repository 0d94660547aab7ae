/**
 * Loading the workflows of a repository snapshot: every `hyperp-workflows/*.yaml|yml` is
 * parsed, checked by each rule and, when it has no errors (nor do its task definitions),
 * normalised into a `WorkflowSpec`. Issues are returned as data; nothing here throws.
 */
import type { RepoSnapshot } from '../repo/snapshot.js';
import { checkTaskDefinition, type TaskDefinitionCheck } from '../taskdef/validate.js';
import type { TaskDefinition } from '../taskdef/model.js';
import { decode } from './decode.js';
import { formatPath, hasErrors, sortIssues, syntaxIssues, type ValidationIssue } from './issue.js';
import { Workflow } from './model.js';
import { normaliseRepoPath } from '../repo/path.js';
import { taskDefinitionsPresent } from './rules-repo.js';
import { issueAt, type FileContext, type WorkflowContext, type WorkflowRule } from './rule.js';
import {
  concurrencyRange,
  dependencyCycles,
  duplicateDependencies,
  duplicateJobNames,
  inputMountOverlaps,
  jobNamePaths,
  jobsEmpty,
  retriesRange,
  selfDependencies,
  timeoutPositive,
  unknownDependencies,
} from './rules-jobs.js';
import { unknownKeys } from './rules-keys.js';
import { secretEnv, secretNames } from './rules-secrets.js';
import { inputDeclarations, triggerInputs } from './rules-inputs.js';
import { artifactNames, branchPatterns, cronSchedules, imageBuildResources, workflowName } from './rules-workflow.js';
import { parseYaml, type ParsedSource } from './source.js';
import type { WorkflowSpec } from './spec.js';
import { toWorkflowSpec } from './normalise.js';
import { taskDefinitionSizes } from './rules-size.js';
import { jobsCount, listedSizeIssue, taskDefinitionsTotal, textBoundsIssues, workflowFilesCount } from './rules-bounds.js';
import { utf8Bytes } from './bounds.js';

/** Where workflows live, relative to the repository folder. */
export const workflowDirectory = 'hyperp-workflows';
/** True for a repository path hyperp reads as a workflow: `hyperp-workflows/*.yaml` or `*.yml`. */
export const isWorkflowFile = (path: string): boolean => /^hyperp-workflows\/[^/]+\.ya?ml$/.test(path);

/** The rules over a decoded workflow, in the order their issues are most useful. */
export const workflowRules: readonly WorkflowRule[] = [
  workflowName,
  jobsCount,
  jobsEmpty,
  duplicateJobNames,
  jobNamePaths,
  unknownDependencies,
  selfDependencies,
  duplicateDependencies,
  inputMountOverlaps,
  dependencyCycles,
  concurrencyRange,
  retriesRange,
  timeoutPositive,
  imageBuildResources,
  branchPatterns,
  artifactNames,
  cronSchedules,
  secretNames,
  secretEnv,
  inputDeclarations,
  triggerInputs,
  taskDefinitionsPresent,
];

/** What `validateWorkflowFile` returns: the workflow when the file has no errors, and its issues. */
export interface WorkflowFileResult {
  /** Present when neither the file nor its task definitions have errors. */
  readonly workflow?: WorkflowSpec;
  readonly issues: readonly ValidationIssue[];
}

/**
 * Validates one workflow file. `taskDefinitions` caches checked task definitions by path, so a
 * file shared by several jobs or workflows is read and reported once.
 */
export const validateWorkflowFile = (
  file: string,
  text: string,
  repo: RepoSnapshot,
  taskDefinitions: Map<string, TaskDefinitionCheck> = new Map(),
): WorkflowFileResult => {
  const { workflow, issues } = checkWorkflowFile(file, text, repo, taskDefinitions);
  return workflow ? { workflow, issues } : { issues };
};

/** A checked file and, when it parsed, where its fields are (for rules across files). */
interface CheckedFile extends WorkflowFileResult {
  readonly file: string;
  readonly source?: ParsedSource;
}

const checkWorkflowFile = (
  file: string,
  text: string,
  repo: RepoSnapshot,
  taskDefinitions: Map<string, TaskDefinitionCheck>,
): CheckedFile => {
  const bounds = textBoundsIssues(file, text, 'workflow file');
  if (bounds.length > 0) return { file, issues: bounds };
  const parsed = parseYaml(text);
  if (!parsed.ok) return { file, issues: syntaxIssues(file, parsed.problems, 'error', 'yaml-syntax', 'YAML syntax: ') };
  const ctx: FileContext = { file, source: parsed.source };
  const done = (result: WorkflowFileResult): CheckedFile => ({ ...result, file, source: parsed.source });
  const issues: ValidationIssue[] = syntaxIssues(file, parsed.warnings, 'warning', 'yaml-syntax', 'YAML: ');
  if (parsed.source.value === null || parsed.source.value === undefined) {
    return done({ issues: [...issues, { severity: 'error', file, path: '', line: 1, column: 1, message: 'the file is empty; a workflow needs at least workflowName and jobs', rule: 'schema' }] });
  }
  issues.push(...unknownKeys(ctx));
  const decoded = decode(Workflow, parsed.source.value);
  if (!decoded.ok) {
    issues.push(
      ...decoded.problems.map((p) =>
        issueAt(ctx, 'error', 'schema', p.path, `${p.path.length === 0 ? 'the workflow' : formatPath(p.path)} ${p.message}`),
      ),
    );
    return done({ issues });
  }
  const wctx: WorkflowContext = { ...ctx, workflow: decoded.value, repo };
  issues.push(...workflowRules.flatMap((rule) => rule(wctx)));
  // Too many jobs: the rules above said so; the task definitions of all of them are not read.
  if (issues.some((i) => i.rule === 'input-bounds')) return done({ issues });

  // Task definitions of jobs whose file exists: checked once per path, reported in their own file.
  const resolved = new Map<string, TaskDefinition>();
  let taskDefinitionErrors = false;
  let taskDefinitionBytes = 0;
  for (const job of decoded.value.jobs ?? []) {
    const path = normaliseRepoPath(job.taskDefinitionPath);
    if (path === undefined) continue;
    let check = taskDefinitions.get(path);
    if (!check) {
      // A file too large is refused by its listed size, before it is read.
      const tooLarge = listedSizeIssue(repo, path, 'task definition');
      const text = tooLarge === undefined ? repo.read(path) : undefined;
      if (tooLarge === undefined && text === undefined) continue;
      check = tooLarge !== undefined ? { issues: [tooLarge] } : { ...checkTaskDefinition(path, text!, repo), bytes: utf8Bytes(text!) };
      taskDefinitions.set(path, check);
      issues.push(...check.issues);
    }
    if (check.taskDefinition) {
      if (!resolved.has(path)) taskDefinitionBytes += check.bytes ?? 0;
      resolved.set(path, check.taskDefinition);
    } else taskDefinitionErrors = true;
  }
  issues.push(...taskDefinitionsTotal(wctx, taskDefinitionBytes));
  if (hasErrors(issues) || taskDefinitionErrors) return done({ issues });
  const spec = toWorkflowSpec(file, decoded.value, resolved);
  // What ECS will refuse when the job registers is refused now, with its file and field.
  const sizes = taskDefinitionSizes(ctx, spec);
  if (sizes.length > 0) return done({ issues: [...issues, ...sizes] });
  return done({ workflow: spec, issues });
};

/**
 * Rule `duplicate-workflow-name`: runs, costs and schedules are keyed by workflow name, so two
 * files may not share one. Reported in every file after the first that loads with that name,
 * naming the first file and line; none of the files sharing the name loads (which one a run of
 * that name means is not for hyperp to guess).
 */
export const duplicateWorkflowNames = (files: readonly CheckedFile[]): ValidationIssue[] => {
  const first = new Map<string, string>();
  return files.flatMap((c) => {
    if (!c.workflow || !c.source) return [];
    const other = first.get(c.workflow.name);
    if (other === undefined) {
      const at = c.source.position(['workflowName']);
      first.set(c.workflow.name, `${c.file}${at ? `:${at.line}:${at.column}` : ''}`);
      return [];
    }
    const ctx: FileContext = { file: c.file, source: c.source };
    return [issueAt(ctx, 'error', 'duplicate-workflow-name', ['workflowName'], `workflow name "${c.workflow.name}" is already used by ${other}; workflow names must be unique`)];
  });
};

/** What `loadWorkflows` returns: the workflows that loaded, and every issue found. */
export interface LoadedWorkflows {
  /** Workflows without errors, by file path. */
  readonly workflows: WorkflowSpec[];
  /** Every issue of every workflow file and task definition, sorted by file and position. */
  readonly issues: ValidationIssue[];
}

/**
 * Loads and validates every workflow file of a repository snapshot (`hyperp-workflows/*.yaml`) with
 * its task definitions; issues say file, line and field, and a workflow with errors is left out.
 */
export const loadWorkflows = (snapshot: RepoSnapshot): LoadedWorkflows => {
  const files = snapshot.files.map((f) => f.path).filter(isWorkflowFile);
  if (files.length === 0) {
    return {
      workflows: [],
      issues: [
        {
          severity: 'warning',
          file: workflowDirectory,
          path: '',
          message: `no workflow files: hyperp reads ${workflowDirectory}/*.yaml and ${workflowDirectory}/*.yml`,
          rule: 'no-workflows',
        },
      ],
    };
  }
  const tooMany = workflowFilesCount(workflowDirectory, files);
  if (tooMany.length > 0) return { workflows: [], issues: tooMany };
  const cache = new Map<string, TaskDefinitionCheck>();
  const checked = files.map((file): CheckedFile => {
    const tooLarge = listedSizeIssue(snapshot, file, 'workflow file');
    return tooLarge !== undefined ? { file, issues: [tooLarge] } : checkWorkflowFile(file, snapshot.read(file) ?? '', snapshot, cache);
  });
  const duplicates = duplicateWorkflowNames(checked);
  const issues = [...checked.flatMap((c) => c.issues), ...duplicates];
  const shared = new Set(checked.filter((c) => duplicates.some((d) => d.file === c.file)).map((c) => c.workflow?.name));
  const workflows = checked.flatMap((c) => (c.workflow && !shared.has(c.workflow.name) ? [c.workflow] : []));
  return { workflows, issues: sortIssues(issues) };
};
