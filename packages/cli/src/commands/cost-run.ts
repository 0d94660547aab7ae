/**
 * `hyperp cost RUN`: what a run cost (a local run: would cost) on Fargate — per task attempt, per
 * job, builds apart, and the total — from the task definitions' sizes and the real durations.
 * Registered as the default subcommand of the `cost` command (next to `cost estimate`).
 */
import type { Command } from 'commander';
import { foldRun, runView } from '@hyperp/adapters-local';
import { runCostBasis, runCostView } from '@hyperp/core';
import type { Action, Register } from '../program.js';
import { costCommand } from './cost.js';
import { ExitCode } from '../context.js';
import { findRun, layoutOf } from '../local/repo.js';
import { backendOf, withBackendOptions, type BackendOptions } from '../remote/backend.js';
import { remoteCost } from '../remote/runs.js';
import { formatCost } from '../views/run-text.js';

export const addCostRun = (cost: Command, run: (action: Action) => void): void => {
  withBackendOptions(
    cost
      .command('run', { isDefault: true })
      .description('what a run costs on Fargate (a local run: would cost): per task, job, builds and total')
      .argument('<run>', 'run id (locally a unique prefix too), or "last"')
      .option('--repo <dir>', 'repository folder (remote: owner/name, for "last")')
      .option('--json', 'print as JSON'),
  ).action((given: string, opts: { repo?: string; json?: boolean } & BackendOptions) =>
    run(async (ctx) => {
      const backend = backendOf(ctx, opts);
      if (backend._tag === 'Remote') return remoteCost(ctx, backend.api, given, opts);
      const layout = layoutOf(ctx, opts.repo);
      const { state } = foldRun(layout, findRun(layout, given));
      const v = runView(state, layout);
      const report = runCostView(v, runCostBasis(state));
      ctx.out(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatCost(report, v.workflow, 'image builds (local builds are not billed)'));
      return ExitCode.ok;
    }),
  );
};

export const registerCostRun: Register = (program, run) => addCostRun(costCommand(program), run);
