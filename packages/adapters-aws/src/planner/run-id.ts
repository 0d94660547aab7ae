/**
 * Run ids: sortable by time and deterministic in the request, so a planner invoked twice for
 * the same delivery, schedule slot or API request appends the same `RunRequested` (a no-op).
 * `20261122-080000-3f2a9c1b7d` fits the log-stream and S3 segment rules (`[A-Za-z0-9._-]`).
 */
import { createHash } from 'node:crypto';

export const runIdFor = (at: number, identity: string, workflow: string): string => {
  const t = new Date(at).toISOString(); // 2026-11-22T08:00:00.000Z
  const stamp = `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}-${t.slice(11, 13)}${t.slice(14, 16)}${t.slice(17, 19)}`;
  const hash = createHash('sha256').update(JSON.stringify([identity, workflow])).digest('hex').slice(0, 10);
  return `${stamp}-${hash}`;
};
