/**
 * `hyperp cost RUN`: what a local run would have cost on Fargate — per task attempt, per job,
 * builds apart, and the total — from the task definitions' sizes and the real durations.
 * Registered as the default subcommand of the `cost` command (next to `cost estimate`).
 */
import type { Command } from 'commander';
import { foldRun, runView } from '@hyperp/adapters-local';
import type { Action, Register } from '../program.js';
import { costCommand } from './cost.js';
import { ExitCode } from '../context.js';
import { findRun, layoutOf } from '../local/repo.js';

const money = (x: number): string => `$${x.toFixed(6)}`;

export const addCostRun = (cost: Command, run: (action: Action) => void): void => {
  cost
    .command('run', { isDefault: true })
    .description('what a local run would cost on Fargate: per task, job, builds and total')
    .argument('<run>', 'run id (a unique prefix, or "last")')
    .option('--repo <dir>', 'repository folder')
    .option('--json', 'print as JSON')
    .action((given: string, opts: { repo?: string; json?: boolean }) =>
      run(async (ctx) => {
        const layout = layoutOf(ctx, opts.repo);
        const runId = findRun(layout, given);
        const { state } = foldRun(layout, runId);
        const v = runView(state, layout);
        const c = state.cost;
        const region = state.request?.settings.priceRegion ?? 'us-east-1';
        const spot = state.request?.settings.spot === true;
        const final = state.finishedAt !== null;
        if (opts.json) {
          ctx.out(JSON.stringify({
            runId, region, spot, final,
            totalUsd: v.costUsd, tasksUsd: c.tasksUsd, buildsUsd: c.buildsUsd, vcpuSeconds: c.vcpuSeconds, gbSeconds: c.gbSeconds,
            jobs: v.jobs.map((j) => ({ name: j.name, costUsd: j.costUsd, tasks: j.tasks.map((t) => ({ index: t.index, attempt: t.attempt, durationSeconds: t.durationSeconds, costUsd: t.costUsd })) })),
          }, null, 2) + '\n');
          return ExitCode.ok;
        }
        ctx.out(`run ${runId} (${v.workflow}) on Fargate ${region}${spot ? ' Spot' : ''}${final ? '' : ' — so far, the run has not ended'}\n`);
        for (const j of v.jobs) {
          ctx.out(`  ${money(j.costUsd)}  job ${j.name}\n`);
          for (const t of j.tasks) ctx.out(`    ${money(t.costUsd)}  task ${t.index} attempt ${t.attempt} (${t.durationSeconds === null ? '-' : `${t.durationSeconds.toFixed(1)} s`}, billed at least 60 s)\n`);
        }
        ctx.out(`  ${money(c.buildsUsd)}  image builds (local builds are not billed)\n`);
        ctx.out(`  ${money(v.costUsd)}  total\n`);
        return ExitCode.ok;
      }),
    );
};

export const registerCostRun: Register = (program, run) => addCostRun(costCommand(program), run);
