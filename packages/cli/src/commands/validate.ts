/**
 * `hyperp validate`: checks every workflow of the repository (the working tree, uncommitted
 * changes included; a plain folder works too) and the task definitions they use. Read →
 * pure `loadWorkflows` → print. Exit 0 without errors (warnings allowed), 1 with errors.
 */
import { join, relative } from 'node:path';
import {
  snapshotCommit, snapshotDirectory, GitError, loadLocalSecrets, missingSecrets, refuseTrackedSecrets, SecretsSourceError, SECRETS_FILE, SECRETS_FOLDER,
  type LocalSecrets,
} from '@hyperp/adapters-local';
import { loadWorkflows, type LoadedWorkflows, type RepoSnapshot, type ValidationIssue, type WorkflowSpec } from '@hyperp/core';
import { declaredSecretNames, plural } from '@hyperp/core/internal';
import { missingSecretAdvice, SECRETS_HELP } from '../local/secrets.js';
import type { Register } from '../program.js';
import { CliError, ExitCode, UsageError, userCwd, type CliContext } from '../context.js';
import { repoDirOf } from '../local/repo.js';
import { requireRemote } from '../remote/backend.js';
import { deploymentIssues, withoutLocalEnvWarnings } from '../remote/deployment-checks.js';
import { OWNER_NAME, remoteRepo } from '../remote/repo.js';
import { terminalSafe } from '../views/terminal-text.js';

interface ValidateOptions {
  repo?: string;
  ref?: string;
  json?: boolean;
  secrets?: string;
  /** `--remote [owner/name]`: also check against the deployment (true: the folder's GitHub origin names the repository). */
  remote?: boolean | string;
  api?: string;
  region?: string;
}

/**
 * Local sources of secret values against what the workflows declare: a declared secret without
 * a value is a warning (a run here would be refused; CI may validate without any), a source that
 * git tracks or cannot be read an error.
 */
const localSecretIssues = async (repoDir: string, explicit: string | undefined, workflows: readonly WorkflowSpec[]): Promise<ValidationIssue[]> => {
  if (explicit === undefined && workflows.every((w) => declaredSecretNames(w).length === 0)) return [];
  let local: LocalSecrets;
  try {
    local = loadLocalSecrets(repoDir, explicit);
    await refuseTrackedSecrets(repoDir, local.sources);
  } catch (e) {
    if (!(e instanceof SecretsSourceError)) throw e;
    return [{ severity: 'error', file: explicit ?? SECRETS_FOLDER, path: '', message: e.message, rule: 'secret-name' }];
  }
  const where = local.sources.length > 0 ? `looked in ${local.sources.map((s) => relative(repoDir, s) || s).join(', ')}` : `no ${SECRETS_FOLDER}/ or ${SECRETS_FILE}`;
  return workflows.flatMap((w) => missingSecrets(w, local).map((name): ValidationIssue => ({
    severity: 'warning', file: w.file, path: '', rule: 'secret-name',
    message: `secret "${name}" (read by ${w.jobs.filter((j) => j.secrets?.some((s) => s.name === name)).map((j) => `"${j.name}"`).join(', ')}) has no value here (${where}): a local run would be refused; ${missingSecretAdvice(name)}`,
  })));
};

/** The repository as the workflow commands read it: the working tree, or commit `ref`. */
export const readRepository = async (dir: string, ref?: string): Promise<RepoSnapshot> => {
  try {
    return ref === undefined ? await snapshotDirectory(dir) : await snapshotCommit(dir, ref);
  } catch (e) {
    if (e instanceof GitError) throw new CliError(e.message);
    throw e;
  }
};

/**
 * `file:line:col severity message`, the form editors and CI annotate from; `file` is made
 * relative to where the user is (issues carry repo-relative paths) so it can be opened as is.
 */
export const formatIssue = (i: ValidationIssue, from?: { readonly cwd: string; readonly repoDir: string }): string => {
  const file = from ? relative(from.cwd, join(from.repoDir, i.file)) || '.' : i.file;
  // Paths and messages quote the repository's own text (names, keys, values).
  return terminalSafe(`${file}${i.line !== undefined ? `:${i.line}:${i.column ?? 1}` : ''} ${i.severity} ${i.message}`);
};


/**
 * The issues of the workflows where they will run: on this machine, the local sources of secret
 * values; with `--remote`, the deployment's secrets of the repository (and `env:` secrets, which
 * a deployment refuses, are errors there).
 */
const secretIssues = async (ctx: CliContext, opts: ValidateOptions, repoDir: string, snapshot: RepoSnapshot, loaded: LoadedWorkflows): Promise<ValidationIssue[]> => {
  if (opts.remote === undefined || opts.remote === false) return [...loaded.issues, ...(await localSecretIssues(repoDir, opts.secrets, loaded.workflows))];
  if (typeof opts.remote === 'string' && !OWNER_NAME.test(opts.remote)) throw new UsageError(`--remote ${opts.remote}: give the repository as owner/name, or nothing for the folder's GitHub origin`);
  const repo = typeof opts.remote === 'string' ? opts.remote : remoteRepo(ctx, repoDir, 'give the repository as --remote owner/name');
  const api = requireRemote(ctx, opts, 'validate --remote');
  return [...withoutLocalEnvWarnings(loaded.issues), ...(await deploymentIssues(api, repo, snapshot, loaded.workflows))];
};

const validate = async (ctx: CliContext, opts: ValidateOptions): Promise<number> => {
  const repoDir = repoDirOf(ctx, opts.repo);
  const snapshot = await readRepository(repoDir, opts.ref);
  const loaded = loadWorkflows(snapshot);
  const workflows = loaded.workflows;
  const issues = await secretIssues(ctx, opts, repoDir, snapshot, loaded);
  const errors = issues.filter((i) => i.severity === 'error').length;
  if (opts.json) {
    const json = {
      ok: errors === 0,
      workflows: workflows.map((w) => ({ file: w.file, name: w.name, jobs: w.jobs.map((j) => j.name) })),
      issues: issues.map((i) => ({
        severity: i.severity,
        file: i.file,
        path: i.path,
        line: i.line ?? null,
        column: i.column ?? null,
        message: i.message,
        rule: i.rule,
      })),
    };
    ctx.out(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    for (const i of issues) ctx.out(`${formatIssue(i, { cwd: userCwd(ctx), repoDir })}\n`);
    const valid = workflows.map((w) => `${terminalSafe(w.name)} (${plural(w.jobs.length, 'job')})`).join(', ');
    const summary = [`${plural(errors, 'error')}, ${plural(issues.length - errors, 'warning')}`];
    if (workflows.length > 0) summary.push(`valid: ${valid}`);
    ctx.out(`${summary.join('; ')}\n`);
  }
  return errors === 0 ? ExitCode.ok : ExitCode.failed;
};

export const registerValidate: Register = (program, run) => {
  program
    .command('validate')
    .description('check the workflows in hyperp-workflows/ and their task definitions')
    .option('--repo <dir>', 'repository folder (default: the current directory; may be a folder inside a git repository)')
    .option('--ref <rev>', 'check a commit (branch, tag, id) instead of the working tree')
    .option('--json', 'print {ok, workflows, issues} as JSON')
    .option('--secrets <path>', SECRETS_HELP)
    .option('--remote [owner/name]', 'check against the deployment instead of this machine\'s secrets: each declared secret exists among the repository\'s there, none asked for as an environment variable (default repository: the folder\'s GitHub origin)')
    .option('--api <url>', 'remote: the deployed API (default: $HYPERP_API_URL)')
    .option('--region <region>', 'remote: the API\'s AWS Region (default: $AWS_REGION)')
    .action((opts: ValidateOptions) => run((ctx) => validate(ctx, opts)));
};
