// How figures read on the page.

export const usd = (x: number): string => `$${x < 0.01 ? x.toFixed(6) : x.toFixed(4)}`;

export const duration = (ms: number | null): string => {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
};

export const when = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toLocaleString());

/** `1 retry`, `2 retries`: a count with its noun. */
export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export const shortCommit = (c: string): string => c.slice(0, 12);

/** Colour is never the only signal: each status has a mark and its name. */
export const STATUS_MARK: Record<string, string> = {
  SUCCEEDED: '✓', FAILED: '✗', RUNNING: '▶', BUILDING: '⚙', PENDING: '…', READY: '○', SKIPPED: '⤼', CANCELLED: '⊘',
  QUEUED: '…', LAUNCHING: '▶', STARTING: '▶', BACKOFF: '↻', WAITING: '…', UNREADABLE: '!', BUILT: '✓', REUSED: '↺',
};

export const statusClass = (s: string): string => `st-${s.toLowerCase()}`;
