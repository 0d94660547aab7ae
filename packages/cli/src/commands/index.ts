/**
 * Every command of `hyperp`, in the order `hyperp --help` lists them. A command's module (and
 * whatever it imports: the local runtime, the AWS SDK, Pulumi) is loaded only when the command
 * line names it; `hyperp --help` shows each from its `usage` and `summary` alone, which a test
 * keeps equal to what the loaded definition would show. A new command: its module exports a
 * `Register`, and one line here loads it.
 */
import type { Register } from '../program.js';

export interface CommandEntry {
  readonly name: string;
  /** What `hyperp --help` shows after the name: `[options] <run> <job>`, or nothing. */
  readonly usage: string;
  readonly summary: string;
  /** The command's full definition (its options, subcommands and action). */
  readonly load: () => Promise<readonly Register[]>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'init', usage: '[dir]', summary: 'write a workflow that runs at once (a workflow file, a task definition, a Dockerfile and a program) into DIR', load: async () => [(await import('./init.js')).registerInit] },
  { name: 'run', usage: '[options]', summary: 'run workflows on this machine and wait for the end (exit 0 when every run SUCCEEDED)', load: async () => [(await import('./run.js')).registerRun] },
  { name: 'runs', usage: '', summary: 'list and inspect runs (of this machine, or of the deployment in remote mode)', load: async () => [(await import('./runs.js')).registerRuns] },
  { name: 'logs', usage: '[options] <run> <job>', summary: "a task attempt's output (task 1, newest attempt unless asked)", load: async () => [(await import('./logs.js')).registerLogs] },
  { name: 'artifacts', usage: '', summary: "a run's job outputs", load: async () => [(await import('./artifacts.js')).registerArtifacts] },
  { name: 'cancel', usage: '[options] <run>', summary: 'cancel a run: its tasks are stopped and it ends CANCELLED', load: async () => [(await import('./cancel.js')).registerCancel] },
  { name: 'resume', usage: '[options] <run>', summary: 'continue a run whose hyperp process stopped, from its event log', load: async () => [(await import('./resume.js')).registerResume] },
  { name: 'rerun', usage: '[options] <run>', summary: 'run a finished run again (with --failed, only its failed, skipped and cancelled jobs)', load: async () => [(await import('./rerun.js')).registerRerun] },
  { name: 'secrets', usage: '', summary: "a repository's secrets on the deployment: set (from standard input or a file), list (names and dates), rm", load: async () => [(await import('./secrets.js')).registerSecrets] },
  { name: 'validate', usage: '[options]', summary: 'check the workflows in hyperp-workflows/ and their task definitions', load: async () => [(await import('./validate.js')).registerValidate] },
  { name: 'graph', usage: '[options]', summary: 'print the job graph of the workflows', load: async () => [(await import('./graph.js')).registerGraph] },
  { name: 'plan', usage: '[options]', summary: 'show which workflows a push would run and which images would be built or reused, and why', load: async () => [(await import('./plan.js')).registerPlan] },
  {
    name: 'cost', usage: '', summary: 'what Fargate charges: estimate a task, or price a run',
    load: async () => {
      const [cost, costRun] = await Promise.all([import('./cost.js'), import('./cost-run.js')]);
      return [cost.registerCost, costRun.registerCostRun];
    },
  },
  { name: 'ui', usage: '[options]', summary: 'a web view of the runs: the DAG live, logs, timeline, costs, artifacts (on 127.0.0.1)', load: async () => [(await import('./ui.js')).registerUi] },
  { name: 'deploy', usage: '[options]', summary: 'deploy hyperp to AWS with the Pulumi CLI (pulumi up of packages/infra; see docs/deploy.md)', load: async () => [(await import('./deploy.js')).registerDeploy] },
  { name: 'doctor', usage: '[options]', summary: 'check what hyperp needs here (Node, git, an engine and its sandbox; in remote mode AWS credentials and the API) and how to fix each miss', load: async () => [(await import('./doctor.js')).registerDoctor] },
  { name: 'completion', usage: '<shell>', summary: 'print the shell completion script for bash or zsh (source <(hyperp completion bash))', load: async () => [(await import('./completion.js')).registerCompletion] },
];

/** Every command's full definition, loaded at once (for tests and documentation checks). */
export const loadAllCommands = async (entries: readonly CommandEntry[] = commands): Promise<Register[]> =>
  (await Promise.all(entries.map((e) => e.load()))).flat();
