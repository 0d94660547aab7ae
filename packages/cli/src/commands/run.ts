/**
 * `hyperp run`: runs the workflows of a repository on this machine — the working tree as it is
 * (or a commit with --ref) — building missing images, and waits for the end.
 */
import { engineLabel, GitError, loadImageStore, localBuilderVersion, openRuns, prepareRuns, undelivered, UnwritableEventError } from '@hyperp/adapters-local';
import type { RunState } from '@hyperp/core';
import type { Register } from '../program.js';
import { CliError, ExitCode, type CliContext } from '../context.js';
import { layoutOf } from '../local/repo.js';
import { allSucceeded, driveAll, ENGINE_HELP, openEngine, parseEngine, parseParallel } from '../local/session.js';
import { requireRemote } from '../remote/backend.js';
import { remoteStart } from '../remote/control.js';
import { pollMsOf } from '../remote/wait.js';
import { commitText } from '../views/run-text.js';
import { printRuns } from '../views/print-runs.js';
import { issuesListing, placeText, warnBroken } from '../local/workflow-issues.js';
import { terminalSafe } from '../views/terminal-text.js';
import { localSecretsFor, secretMask, SECRETS_HELP } from '../local/secrets.js';
import { parseInputs } from '../local/inputs.js';

interface RunOptions {
  repo?: string;
  workflow: string[];
  ref?: string;
  engine?: string;
  parallel?: string;
  network?: boolean;
  json?: boolean;
  remote?: boolean;
  branch?: string;
  commit?: string;
  api?: string;
  region?: string;
  wait?: boolean;
  secrets?: string;
  input: string[];
}

/** After a run's end: what its succeeded jobs did not deliver, on stderr, in text and JSON alike. */
export const reportUndelivered = (ctx: CliContext, states: readonly RunState[]): void => {
  for (const s of states) for (const p of undelivered(s)) ctx.err(`run ${s.runId ?? ''} ${s.status}, but ${terminalSafe(p)}\n`);
};

export const registerRun: Register = (program, run) => {
  program
    .command('run')
    .description('run workflows on this machine and wait for the end (exit 0 when every run SUCCEEDED)')
    .option('--repo <dir>', 'repository folder (may be a folder inside a git repository)')
    .option('--workflow <name>', 'run this workflow whatever its branches (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--ref <rev>', 'run a commit instead of the working tree')
    .option('--engine <engine>', ENGINE_HELP, 'auto')
    .option('--parallel <n>', 'tasks and builds at once (default: the number of CPUs)')
    .option('--network', 'give tasks network access (off by default)')
    .option('--secrets <path>', SECRETS_HELP)
    .option('--input <name=value>', 'a value of one of the workflow\'s inputs (repeatable; remote too)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print the runs as JSON')
    .option('--remote', 'start the workflow on the deployment (with --workflow, --branch, [--commit], --repo owner/name)')
    .option('--branch <name>', 'remote: the branch to run')
    .option('--commit <sha>', 'remote: the commit to run (default: the head of --branch)')
    .option('--api <url>', 'remote: the deployed API (default: $HYPERP_API_URL)')
    .option('--region <region>', 'remote: the API\'s AWS Region (default: $AWS_REGION)')
    .option('--wait', 'remote: wait for the started run to end and print it (a local run always waits)')
    .action((opts: RunOptions) =>
      run(async (ctx) => {
        if (opts.remote) return remoteStart(ctx, requireRemote(ctx, opts, 'run --remote'), { ...opts, pollMs: pollMsOf(ctx.env) });
        const layout = layoutOf(ctx, opts.repo);
        const engineChoice = parseEngine(opts.engine);
        const inputs = parseInputs(opts.input);
        const parallel = parseParallel(opts.parallel);
        const engine = await openEngine(engineChoice, layout);
        const prepared = await prepareRuns({
          repoDir: layout.repoDir,
          ...(opts.ref !== undefined ? { ref: opts.ref } : {}),
          workflows: opts.workflow,
          images: loadImageStore(layout.imagesDir, (w) => ctx.err(`${w}\n`)),
          builderVersion: localBuilderVersion(engine.name),
          engine: engine.name,
          now: Date.now(),
          inputs,
        }).catch((e: unknown) => {
          // Not a git repository, an unknown --ref: the message says which.
          if (e instanceof GitError) throw new CliError(e.message);
          throw e;
        });
        if (prepared._tag === 'PrepareError') {
          const at = prepared.place ? `${placeText(ctx, layout.repoDir, prepared.place)}: ` : '';
          throw new CliError(`${at}${prepared.message}${issuesListing(ctx, layout.repoDir, prepared.issues)}`);
        }
        warnBroken(ctx, layout.repoDir, prepared.broken);
        for (const n of prepared.notManual) {
          ctx.err(`note: ${placeText(ctx, layout.repoDir, n.place)}: workflow "${terminalSafe(n.workflow)}" is not run: it may not be started by hand (triggers.manual is false)\n`);
        }
        const secrets = await localSecretsFor(layout.repoDir, opts.secrets, prepared.requests.map((r) => r.workflow));
        await openRuns(layout, prepared.requests).catch((e: unknown) => {
          if (e instanceof UnwritableEventError) throw new CliError(`the run could not be started: ${e.message}`);
          throw e;
        });
        if (!opts.json) {
          for (const r of prepared.requests) {
            ctx.err(`run ${r.runId}: ${terminalSafe(r.workflow.name)} ${r.commit === '' ? `on ${commitText(r.commit, r.dirty)}` : `at ${r.commit.slice(0, 12)}${r.dirty ? ' (with uncommitted changes)' : ''}`}, engine ${engineLabel(engine)}\n`);
          }
        }
        const states = await driveAll(
          ctx,
          prepared.requests.map((r) => ({ layout, runId: r.runId, engine, parallel, network: opts.network === true, request: r, secrets })),
          opts.json === true,
        );
        printRuns(ctx, states, layout, opts.json === true, {}, secretMask(secrets, prepared.requests.map((r) => r.workflow)));
        reportUndelivered(ctx, states);
        return allSucceeded(states) ? ExitCode.ok : ExitCode.failed;
      }),
    );
};
