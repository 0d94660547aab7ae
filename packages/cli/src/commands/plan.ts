/**
 * `hyperp plan`: what a push of this repository would run — which workflows trigger on the
 * branch, and for every job and container whether its image is built or reused, and why —
 * against the local image store (`.hyperp/images/`; a missing store is empty). Read → pure
 * plan → print; nothing is built or run.
 */
import { execFileSync } from 'node:child_process';
import {
  localBuilderVersion, loadImageStore, snapshotCommit, snapshotWorkingTree, detectEngine, localLayout, checkLayout, GitError, NotAGitRepository,
  engineOfChoice, ENGINE_CHOICES, processRuntimeNotices, type EngineChoice, type RuntimeNotice,
} from '@hyperp/adapters-local';
import { describeImageKeyError, loadWorkflows, planPush, type Plan, type WorkflowSpec } from '@hyperp/core';
import type { Register } from '../program.js';
import { CliError, ExitCode, UsageError, type CliContext } from '../context.js';
import { repoDirOf } from '../local/repo.js';
import { ENGINE_HELP } from '../local/session.js';
import { issuesListing, warnBroken } from '../local/workflow-issues.js';
import { terminalSafeLines } from '../views/terminal-text.js';

interface PlanOptions {
  repo?: string;
  ref?: string;
  branch?: string;
  engine: string;
  json?: boolean;
}


const checkedOutBranch = (dir: string): string => {
  try {
    return execFileSync('git', ['symbolic-ref', '--short', '-q', 'HEAD'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};

/**
 * Image keys include the builder, and local builders differ per engine (a docker image is not a
 * process-engine image), so plan computes keys for the engine `hyperp run` would use.
 */
const builderFor = async (choice: EngineChoice): Promise<{ engine: string; builder: string; note?: string }> => {
  if (choice !== 'auto') return { engine: engineOfChoice(choice), builder: localBuilderVersion(engineOfChoice(choice)) };
  const d = await detectEngine('auto');
  return d._tag === 'Detected'
    ? { engine: d.engine, builder: localBuilderVersion(d.engine) }
    : { engine: 'process', builder: localBuilderVersion('process'), note: 'no engine is available here; planned for the process engine' };
};

/**
 * The plan for people. `workflows` are all the repository's workflows: those a push to the
 * branch does not run are named with the branches they run on, so "nothing runs" explains itself.
 */
export const formatPlan = (
  p: Plan,
  workflows: readonly Pick<WorkflowSpec, 'name' | 'branches' | 'triggers'>[] = [],
  runtimes: readonly RuntimeNotice[] = [],
): string => {
  const lines = [`commit ${p.commit} on branch ${p.branch}`];
  if (p.workflows.length === 0) lines.push(`no workflow runs on branch ${p.branch}`);
  for (const w of workflows.filter((w) => !p.workflows.some((x) => x.name === w.name))) {
    lines.push(w.triggers.push
      ? `workflow ${w.name} does not run: its branches are ${w.branches.map((b) => JSON.stringify(b)).join(', ')}`
      : `workflow ${w.name} does not run on push (triggers.push is false)`);
  }
  for (const w of p.workflows) {
    lines.push(`workflow ${w.name} (${w.file})`);
    for (const j of w.jobs) {
      lines.push(`  job ${j.name}: ${j.images.length === 0 ? 'no images to build' : j.action}`);
      for (const i of j.images) {
        lines.push(`    ${i.container}: ${i.reason}`);
        // The process engine runs the image on a host runtime: which one, and a version it is not.
        const rt = runtimes.find((r) => r.dockerfilePath === i.dockerfilePath);
        if (rt !== undefined) lines.push(rt.warning !== undefined ? `      warning: ${rt.warning}` : `      runtime: ${rt.note}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
};

const plan = async (ctx: CliContext, opts: PlanOptions): Promise<number> => {
  if (!(ENGINE_CHOICES as readonly string[]).includes(opts.engine)) throw new UsageError(`--engine must be one of ${ENGINE_CHOICES.join(', ')}, not "${opts.engine}"`);
  const dir = repoDirOf(ctx, opts.repo);
  let snapshot;
  try {
    snapshot = opts.ref === undefined ? await snapshotWorkingTree(dir) : await snapshotCommit(dir, opts.ref);
  } catch (e) {
    if (e instanceof NotAGitRepository) {
      throw new CliError(`${dir} is not inside a git repository; plan compares what a commit holds with the images built, so it needs one (git init; hyperp validate also reads a plain folder)`);
    }
    if (e instanceof GitError) throw new CliError(e.message);
    throw e;
  }
  const branch = opts.branch ?? checkedOutBranch(dir);
  if (branch === '') throw new UsageError('HEAD is detached: name the branch to plan for with --branch');
  const loaded = loadWorkflows(snapshot);
  const errors = loaded.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0 && loaded.workflows.length === 0) {
    // Listed as validate and graph list them, so the same line opens in an editor.
    throw new CliError(`the workflows have errors (hyperp validate shows them all):${issuesListing(ctx, dir, errors)}`);
  }
  // A file with errors is left out and said, as a push would run the others.
  warnBroken(ctx, dir, errors);
  // Warnings do not stop a plan, but one (no workflow files, e.g. run from a subfolder) explains an empty plan.
  if (loaded.issues.some((i) => i.rule === 'no-workflows')) {
    ctx.err(`warning: no workflow files in ${dir}: hyperp reads its hyperp-workflows/*.yaml and *.yml (--repo names another folder)\n`);
  }
  const { engine, builder, note } = await builderFor(opts.engine as EngineChoice);
  if (note) ctx.err(`note: ${note}\n`);
  const layout = localLayout(dir);
  checkLayout(layout); // a linked or committed .hyperp is not read: its index is not this machine's
  const images = loadImageStore(layout.imagesDir, (w) => ctx.err(`${w}\n`));
  const result = planPush({ workflows: loaded.workflows, branch, snapshot, images, builderVersion: builder, engine });
  if (!result.ok) {
    throw new CliError(result.issues.map((p) => `workflow ${p.workflow}, job "${p.job}", container "${p.container}": ${describeImageKeyError(p)}`).join('\n'));
  }
  const p = result.value;
  if (opts.json) {
    const json = {
      commit: p.commit,
      branch: p.branch,
      workflows: p.workflows.map((w) => ({
        name: w.name,
        file: w.file,
        jobs: w.jobs.map((j) => ({
          name: j.name,
          action: j.action,
          images: j.images.map((i) => ({ container: i.container, key: i.key, action: i.action, reason: i.reason, changedFiles: i.changedFiles })),
        })),
      })),
    };
    ctx.out(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    if (snapshot.dirty) ctx.out('planning the working tree, uncommitted changes included\n');
    const runtimes = builder === localBuilderVersion('process')
      ? processRuntimeNotices(snapshot, p.workflows.flatMap((w) => w.jobs.flatMap((j) => j.images.map((i) => i.dockerfilePath))))
      : [];
    ctx.out(terminalSafeLines(formatPlan(p, loaded.workflows, runtimes)));
  }
  return ExitCode.ok;
};

export const registerPlan: Register = (program, run) => {
  program
    .command('plan')
    .description('show which workflows a push would run and which images would be built or reused, and why')
    .option('--repo <dir>', 'repository folder (may be a folder inside a git repository)')
    .option('--ref <rev>', 'plan a commit instead of the working tree')
    .option('--branch <name>', 'branch the push goes to (default: the checked-out branch)')
    .option('--engine <engine>', `whose image keys to compute: ${ENGINE_HELP}`, 'auto')
    .option('--json', 'print the plan as JSON')
    .action((opts: PlanOptions) => run((ctx) => plan(ctx, opts)));
};
