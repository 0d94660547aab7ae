/**
 * The pull request summary: one comment per pull request, edited as its head's runs end (never a
 * new one per push), with each workflow's conclusion and cost and the change against the base
 * branch's last run of the same workflow. Workflows whose YAML says `pullRequestComment: false`
 * are left out by the adapter. The marker on the first line is how the comment is found again.
 */
import { mdCell, mdText, mdUsd } from './markdown.js';

export const pullRequestCommentMarker = '<!-- hyperp:pull-request-summary -->';

export interface PullRequestRow {
  readonly workflow: string;
  /** The run's status: `SUCCEEDED`, `FAILED`, `CANCELLED`, or one still going. */
  readonly status: string;
  readonly costUsd: number;
  /** The cost of the base branch's last ended run of this workflow; null when it has none. */
  readonly baseCostUsd: number | null;
  readonly runId: string;
}

const statusText: Readonly<Record<string, string>> = {
  SUCCEEDED: '✅ succeeded', FAILED: '❌ failed', CANCELLED: '🚫 cancelled', RUNNING: '⏳ running', BUILDING: '🔨 building', PENDING: '🕓 pending',
};

/** `+$0.0012 (+15%)`, `−$0.0003 (−4%)`, `same`, or `–` with nothing to compare with. */
export const costChange = (cost: number, base: number | null): string => {
  if (base === null) return '–';
  const delta = Math.round((cost - base) * 1e8) / 1e8;
  if (delta === 0) return 'same';
  const sign = delta > 0 ? '+' : '−';
  const pct = base > 0 ? ` (${sign}${Math.round((Math.abs(delta) / base) * 100)}%)` : '';
  return `${sign}${mdUsd(Math.abs(delta))}${pct}`;
};

export const pullRequestComment = (o: { readonly commit: string; readonly baseBranch: string; readonly rows: readonly PullRequestRow[] }): string => {
  const rows = [...o.rows].sort((a, b) => (a.workflow < b.workflow ? -1 : a.workflow > b.workflow ? 1 : 0));
  const total = rows.reduce((sum, r) => sum + r.costUsd, 0);
  const bases = rows.filter((r) => r.baseCostUsd !== null);
  const baseTotal = bases.length === rows.length && rows.length > 0 ? bases.reduce((sum, r) => sum + r.baseCostUsd!, 0) : null;
  return [
    pullRequestCommentMarker,
    `### hyperp: ${rows.length} workflow${rows.length === 1 ? '' : 's'} at \`${mdText(o.commit.slice(0, 12))}\``,
    '',
    `| workflow | conclusion | cost | vs ${mdCell(o.baseBranch)} | run |`,
    '| --- | --- | ---: | ---: | --- |',
    ...rows.map((r) => `| ${mdCell(r.workflow)} | ${statusText[r.status] ?? mdCell(r.status.toLowerCase())} | ${mdUsd(r.costUsd)} | ${costChange(r.costUsd, r.baseCostUsd)} | \`${mdText(r.runId)}\` |`),
    `| **total** | | **${mdUsd(total)}** | ${costChange(total, baseTotal)} | |`,
    '',
    `Costs are Fargate's for the tasks and image builds of each run; "vs ${mdText(o.baseBranch)}" compares with the last run of the same workflow on ${mdText(o.baseBranch)}. This comment is updated as runs end.`,
  ].join('\n');
};
