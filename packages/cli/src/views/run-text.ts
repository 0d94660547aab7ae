/**
 * Text that local and remote commands print alike, from the views both have: a run's line in a
 * listing and the cost report. (A run's own text is `formatRunView` of the local adapter.)
 */
import type { RunCostView } from '@hyperp/core';

export interface ListRow {
  readonly runId: string;
  readonly workflow: string;
  readonly commit: string;
  readonly status: string;
  readonly costUsd: number;
  /** ISO 8601; null when the run's request is missing. */
  readonly requestedAt: string | null;
}

export const listLine = (r: ListRow): string =>
  `${r.runId}  ${r.status.padEnd(9)}  ${r.workflow}  ${r.commit.slice(0, 12)}  $${r.costUsd.toFixed(4)}\n`;

const money = (x: number): string => `$${x.toFixed(6)}`;

/** `hyperp cost RUN`; `builds` says how the image builds were billed. */
export const formatCost = (c: RunCostView, workflow: string, builds: string): string => {
  const lines = [`run ${c.runId} (${workflow}) on Fargate ${c.region}${c.spot ? ' Spot' : ''}${c.final ? '' : ' — so far, the run has not ended'}`];
  for (const j of c.jobs) {
    lines.push(`  ${money(j.costUsd)}  job ${j.name}`);
    for (const t of j.tasks) {
      lines.push(`    ${money(t.costUsd)}  task ${t.index} attempt ${t.attempt} (${t.durationSeconds === null ? '-' : `${t.durationSeconds.toFixed(1)} s`}, billed at least 60 s)`);
    }
  }
  lines.push(`  ${money(c.buildsUsd)}  ${builds}`, `  ${money(c.totalUsd)}  total`);
  return lines.join('\n') + '\n';
};
