/**
 * `hyperp graph`: the job DAG of the repository's workflows as Mermaid, Graphviz DOT or text.
 * Read → pure `loadWorkflows` and `formatGraph` → print.
 */
import { loadWorkflows } from '@hyperp/core';
import { formatGraph, graphFormats, unknownWorkflowName, type GraphFormat } from '@hyperp/core/internal';
import type { Register } from '../program.js';
import { CliError, ExitCode, UsageError, type CliContext } from '../context.js';
import { repoDirOf } from '../local/repo.js';
import { readRepository } from './validate.js';
import { issuesListing, warnBroken } from '../local/workflow-issues.js';
import { terminalSafeLines } from '../views/terminal-text.js';

interface GraphOptions {
  repo?: string;
  workflow?: string;
  format: string;
}

const graph = async (ctx: CliContext, opts: GraphOptions): Promise<number> => {
  if (!(graphFormats as readonly string[]).includes(opts.format)) {
    throw new UsageError(`--format must be one of ${graphFormats.join(', ')}, not "${opts.format}"`);
  }
  const repoDir = repoDirOf(ctx, opts.repo);
  const { workflows, issues } = loadWorkflows(await readRepository(repoDir));
  const errors = issues.filter((i) => i.severity === 'error');
  const listing = issuesListing(ctx, repoDir, errors);
  let chosen = workflows;
  if (opts.workflow !== undefined) {
    chosen = workflows.filter((w) => w.name === opts.workflow);
    if (chosen.length === 0) {
      const names = workflows.map((w) => w.name);
      throw new CliError(`${unknownWorkflowName(opts.workflow, names)}${errors.length > 0 ? `; these workflow files have errors (hyperp validate shows them all):${listing}` : ''}`);
    }
  } else if (workflows.length === 0 && errors.length > 0) {
    throw new CliError(`the workflows have errors (hyperp validate shows them all):${listing}`);
  } else if (workflows.length === 0) {
    throw new CliError('no workflows: hyperp reads hyperp-workflows/*.yaml and hyperp-workflows/*.yml');
  }
  // A broken file is reported; the workflows that loaded are drawn all the same.
  warnBroken(ctx, repoDir, errors);
  ctx.out(terminalSafeLines(formatGraph(chosen, opts.format as GraphFormat)));
  return ExitCode.ok;
};

export const registerGraph: Register = (program, run) => {
  program
    .command('graph')
    .description('print the job graph of the workflows')
    .option('--repo <dir>', 'repository folder (default: the current directory)')
    .option('--workflow <name>', 'only this workflow')
    .option('--format <format>', 'mermaid | dot | text', 'text')
    .action((opts: GraphOptions) => run((ctx) => graph(ctx, opts)));
};
