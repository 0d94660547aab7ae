import { useEffect, useMemo, useState } from 'preact/hooks';
import { subscribe } from '../api.js';
import { duration, shortCommit, usd } from '../format.js';
import type { RunRow } from '../types.js';
import { Status } from './Status.js';

const ms = (iso: string | null | undefined): number | null => (iso ? Date.parse(iso) : null);

/** Every run, newest first, narrowed by workflow, branch, status and commit; live. */
export const RunsList = () => {
  const [rows, setRows] = useState<RunRow[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [filter, setFilter] = useState({ workflow: '', branch: '', status: '', commit: '' });
  useEffect(() => subscribe<{ runs: RunRow[] }>('runs', {}, (v) => { setRows([...v.runs].reverse()); setProblem(null); }, setProblem), []);
  const options = (k: 'workflow' | 'branch' | 'status') => [...new Set((rows ?? []).map((r) => r[k] ?? '').filter((x) => x !== ''))].sort();
  const shown = useMemo(() => (rows ?? []).filter((r) =>
    (filter.workflow === '' || r.workflow === filter.workflow) && (filter.branch === '' || r.branch === filter.branch)
    && (filter.status === '' || r.status === filter.status) && (filter.commit === '' || r.commit.startsWith(filter.commit.trim()))), [rows, filter]);
  const select = (k: 'workflow' | 'branch' | 'status', label: string) => (
    <label>{label}{' '}
      <select value={filter[k]} onChange={(e) => setFilter({ ...filter, [k]: (e.target as HTMLSelectElement).value })}>
        <option value="">all</option>
        {options(k).map((o) => <option value={o}>{o}</option>)}
      </select>
    </label>
  );
  return (
    <section>
      <h1>Runs</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        {select('workflow', 'Workflow')}
        {select('branch', 'Branch')}
        {select('status', 'Status')}
        <label>Commit <input value={filter.commit} placeholder="prefix" size={12} onInput={(e) => setFilter({ ...filter, commit: (e.target as HTMLInputElement).value })} /></label>
      </form>
      {problem && <p class="problem" role="alert">{problem}</p>}
      {rows === null ? <p>Loading…</p> : shown.length === 0 ? <p>No runs{rows.length > 0 ? ' match' : ' yet: hyperp run starts one'}.</p> : (
        <table class="runs">
          <thead><tr><th>Status</th><th>Run</th><th>Workflow</th><th>Branch</th><th>Commit</th><th>Requested</th><th>Duration</th><th class="num">Cost</th></tr></thead>
          <tbody>
            {shown.map((r) => {
              const start = ms(r.requestedAt);
              const end = ms(r.finishedAt);
              return (
                <tr key={r.runId} data-run={r.runId}>
                  <td><Status status={r.status} /></td>
                  <td><a href={`#/run/${encodeURIComponent(r.runId)}`}>{r.runId}</a>{(r.problem ?? r.resumeWith) && <div class="note">{r.problem ?? `stopped: ${r.resumeWith}`}</div>}</td>
                  <td>{r.workflow}</td>
                  <td>{r.branch ?? ''}</td>
                  <td><code>{shortCommit(r.commit)}</code></td>
                  <td>{start === null ? '—' : new Date(start).toLocaleString()}</td>
                  <td>{start !== null && end !== null ? duration(end - start) : r.finishedAt === null ? 'running' : '—'}</td>
                  <td class="num">{usd(r.costUsd)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
};
