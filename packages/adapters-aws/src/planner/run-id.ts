/**
 * Run ids: sortable by time and deterministic in the request, so a planner invoked twice for
 * the same delivery, schedule slot or API request appends the same `RunRequested` (a no-op).
 * `20261122-080000-3f2a9c1b7d` fits the log-stream and S3 segment rules (`[A-Za-z0-9._-]`).
 */
import { createHash } from 'node:crypto';
import type { PlanRequest } from './request.js';

export const runIdFor = (at: number, identity: string, workflow: string): string => {
  const t = new Date(at).toISOString(); // 2026-11-22T08:00:00.000Z
  const stamp = `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}-${t.slice(11, 13)}${t.slice(14, 16)}${t.slice(17, 19)}`;
  const hash = createHash('sha256').update(JSON.stringify([identity, workflow])).digest('hex').slice(0, 10);
  return `${stamp}-${hash}`;
};

/** What makes a planned run this one: when it was asked for, and by which delivery, slot or request. */
const identityOf = (r: PlanRequest): { at: number; identity: string } => {
  switch (r.kind) {
    case 'push':
      // The delivery id is GitHub's id of the event, the same on every redelivery of it (GitHub
      // docs "Webhook events and payloads" → delivery headers; github/docs#32822, read 2026-12).
      return { at: r.pushedAt ?? r.receivedAt, identity: `push:${r.deliveryId}` };
    case 'cron': {
      const at = typeof r.scheduledAt === 'number' ? r.scheduledAt : Date.parse(r.scheduledAt);
      // A named trigger's name too: two triggers on one schedule with their own inputs are two runs.
      return { at, identity: `cron:${r.repo}:${r.branch}:${r.workflow}:${r.schedule}:${at}${r.name !== undefined ? `:${r.name}` : ''}` };
    }
    case 'manual':
      return { at: r.receivedAt, identity: `manual:${r.requestId}` };
  }
};

/**
 * The id of the run the planner starts for `workflow` on this request: the API answers a manual
 * run with it before the planner has run.
 */
export const plannedRunId = (request: PlanRequest, workflow: string): string => {
  const { at, identity } = identityOf(request);
  return runIdFor(at, identity, workflow);
};
