import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { count } from '../format.js';
import type { LogPage as Page, Run } from '../types.js';
import { Status } from './Status.js';

const LINE = 18;
const OVERSCAN = 30;

/**
 * A task attempt's log, read from its start in ranges and followed while the attempt runs. Only
 * the lines in view are in the page (a log of millions of lines scrolls as fast as a short one).
 */
export const LogPage = ({ runId, job, index, attempt }: { runId: string; job: string; index: number; attempt: number | undefined }) => {
  const [lines, setLines] = useState<string[]>([]);
  const [page, setPage] = useState<Page | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [hit, setHit] = useState(0);
  const [container, setContainer] = useState('');
  const [containers, setContainers] = useState<string[]>([]);
  const [follow, setFollow] = useState(true);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    getJson<Run>('run', { id: runId }).then((r) => setContainers(r.jobs.find((j) => j.name === job)?.containers ?? []), () => undefined);
  }, [runId, job]);

  useEffect(() => {
    let stopped = false;
    let cursor: string | null = null;
    let partial = '';
    let timer: number | undefined;
    setLines([]);
    const next = async () => {
      try {
        const p: Page = await getJson<Page>('log', { id: runId, job, index, attempt, cursor });
        if (stopped) return;
        cursor = p.cursor;
        const parts = (partial + p.text).split('\n');
        partial = parts.pop()!;
        const done = p.ended && !p.more;
        if (done && partial !== '') { parts.push(partial); partial = ''; }
        if (parts.length > 0) setLines((old) => old.concat(parts));
        setPage(p);
        setProblem(null);
        if (!done) timer = window.setTimeout(() => void next(), p.more ? 0 : 500);
      } catch (e) {
        if (stopped) return;
        setProblem((e as Error).message);
        timer = window.setTimeout(() => void next(), 2000);
      }
    };
    void next();
    return () => { stopped = true; clearTimeout(timer); };
  }, [runId, job, index, attempt]);

  // A task of several containers labels each line with its container: `[main] …`.
  const shown = useMemo(() => {
    if (container === '') return lines;
    const label = `[${container}] `;
    return lines.filter((l) => l.startsWith(label)).map((l) => l.slice(label.length));
  }, [lines, container]);
  const hits = useMemo(() => {
    if (search === '') return [];
    const s = search.toLowerCase();
    return shown.flatMap((l, i) => (l.toLowerCase().includes(s) ? [i] : []));
  }, [shown, search]);

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown.length, follow]);
  const jump = (k: number) => {
    if (hits.length === 0 || !box.current) return;
    const n = ((k % hits.length) + hits.length) % hits.length;
    setHit(n);
    setFollow(false);
    box.current.scrollTop = hits[n]! * LINE - box.current.clientHeight / 2;
  };

  const first = Math.max(0, Math.floor(scroll.top / LINE) - OVERSCAN);
  const last = Math.min(shown.length, Math.ceil((scroll.top + scroll.height) / LINE) + OVERSCAN);
  const hitSet = new Set(hits);
  const base = `#/run/${encodeURIComponent(runId)}/log/${encodeURIComponent(job)}/${index}`;
  return (
    <section>
      <p><a href={`#/run/${encodeURIComponent(runId)}`}>← run {runId}</a></p>
      <h1>Log of {job}, task {index}{page ? `, attempt ${page.attempt}` : ''} {page && <Status status={page.attempts.find((a) => a.attempt === page.attempt)?.status ?? ''} />}</h1>
      <div class="filters">
        {page && page.attempts.length > 1 && (
          <label>Attempt{' '}
            <select value={String(page.attempt)} onChange={(e) => { location.hash = `${base}/${(e.target as HTMLSelectElement).value}`; }}>
              {page.attempts.map((a) => <option value={String(a.attempt)}>{a.attempt}: {a.status}</option>)}
            </select>
          </label>
        )}
        {containers.length > 1 && (
          <label>Container{' '}
            <select value={container} onChange={(e) => setContainer((e.target as HTMLSelectElement).value)}>
              <option value="">all</option>
              {containers.map((c) => <option value={c}>{c}</option>)}
            </select>
          </label>
        )}
        <label>Search{' '}
          <input type="search" value={search} aria-describedby="hits"
            onInput={(e) => { setSearch((e.target as HTMLInputElement).value); setHit(0); }}
            onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); jump(e.shiftKey ? hit - 1 : hit + 1); } }} />
        </label>
        <span id="hits" aria-live="polite">{search && `${hits.length} line${hits.length === 1 ? '' : 's'} match${hits.length === 1 ? 'es' : ''}${hits.length ? ` (Enter: next, Shift+Enter: previous)` : ''}`}</span>
        <label><input type="checkbox" checked={follow} onChange={(e) => setFollow((e.target as HTMLInputElement).checked)} /> follow</label>
        <span class="note" aria-live="polite">{count(shown.length, 'line')}{page && !page.ended ? ' · streaming' : ''}</span>
      </div>
      {problem && <p class="problem" role="alert">{problem}</p>}
      <div class="log" ref={box} tabIndex={0} role="log" aria-label={`log of ${job} task ${index}`}
        onScroll={(e) => {
          const t = e.currentTarget as HTMLDivElement;
          setScroll({ top: t.scrollTop, height: t.clientHeight });
          if (t.scrollTop + t.clientHeight < t.scrollHeight - LINE * 2) setFollow(false);
        }}>
        <div style={{ height: `${shown.length * LINE}px`, position: 'relative' }}>
          {shown.slice(first, last).map((l, k) => {
            const i = first + k;
            return <div class={`log-line${hitSet.has(i) ? ' hit' : ''}${hits[hit] === i ? ' current' : ''}`} style={{ top: `${i * LINE}px` }}><span class="ln" aria-hidden="true">{i + 1}</span>{l}</div>;
          })}
        </div>
      </div>
    </section>
  );
};
