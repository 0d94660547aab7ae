import { duration, STATUS_MARK, statusClass } from '../format.js';
import type { Run } from '../types.js';

interface Bar {
  readonly label: string;
  readonly kind: 'build' | 'task';
  readonly status: string;
  /** Waiting: launched (or queued after a back-off), not yet running. */
  readonly waitFrom: number | null;
  readonly from: number | null;
  readonly to: number | null;
  readonly critical: boolean;
  readonly retry: boolean;
}

const ROW = 22;
const LABEL = 230;

/** A Gantt chart of the run: image builds, then every task attempt (retries included), waiting apart from running; the critical path marked. */
export const Timeline = ({ run }: { run: Run }) => {
  const now = run.finishedAt ?? run.now ?? Date.now();
  const bars: Bar[] = [
    ...run.images.filter((i) => i.startedAt !== null).map((i): Bar => ({
      label: `build ${i.dockerfilePath}`, kind: 'build', status: i.status, waitFrom: null, from: i.startedAt, to: i.finishedAt, critical: i.critical, retry: false,
    })),
    ...run.jobs.flatMap((j) => j.attempts.map((a): Bar => ({
      label: `${j.name} · task ${a.index}${a.attempt > 1 ? ` · attempt ${a.attempt}` : ''}`, kind: 'task', status: a.status,
      waitFrom: a.launchedAt, from: a.runningAt, to: a.stoppedAt, critical: j.critical, retry: a.attempt > 1,
    }))),
  ];
  const start = run.requestedAt ?? Math.min(...bars.map((b) => b.waitFrom ?? b.from ?? now));
  const span = Math.max(1, now - start);
  const width = 640;
  const x = (t: number) => LABEL + ((t - start) / span) * width;
  if (!run.detailed) return <p>No timeline: {run.undetailed ?? 'the deployment\'s API gives no times per task'}. Each task's duration is in the job's panel.</p>;
  if (bars.length === 0) return <p>Nothing has started yet.</p>;
  return (
    <figure class="timeline">
      <svg role="img" aria-label={`timeline of run ${run.runId}`} width={LABEL + width + 80} height={ROW * bars.length + 28}>
        {[0, 0.25, 0.5, 0.75, 1].map((f) => (
          <g class="tick"><line x1={LABEL + f * width} x2={LABEL + f * width} y1="0" y2={ROW * bars.length} /><text x={LABEL + f * width} y={ROW * bars.length + 16}>{duration(f * span)}</text></g>
        ))}
        {bars.map((b, i) => {
          const y = i * ROW;
          const runFrom = b.from ?? b.waitFrom;
          const end = b.to ?? now;
          return (
            <g class={`bar ${statusClass(b.status)}${b.critical ? ' critical' : ''}`} data-kind={b.kind}>
              <title>{`${b.label}: ${b.status}${b.critical ? ' (critical path)' : ''}; ${b.waitFrom !== null && b.from !== null ? `waited ${duration(b.from - b.waitFrom)}, ` : ''}ran ${runFrom !== null ? duration(end - runFrom) : '—'}`}</title>
              <text x="4" y={y + 15} class="label">{b.critical ? '◆ ' : ''}{b.retry ? '↻ ' : ''}{b.label.length > 34 ? `${b.label.slice(0, 33)}…` : b.label}</text>
              {b.waitFrom !== null && b.from !== null && <rect class="wait" x={x(b.waitFrom)} y={y + 5} width={Math.max(1, x(b.from) - x(b.waitFrom))} height={ROW - 10} />}
              {runFrom !== null && <rect class="run" x={x(runFrom)} y={y + 3} width={Math.max(2, x(end) - x(runFrom))} height={ROW - 6} rx="2" />}
              <text x={Math.min(LABEL + width + 4, x(end) + 4)} y={y + 15} class="what">{STATUS_MARK[b.status] ?? ''} {b.status}</text>
            </g>
          );
        })}
      </svg>
      <figcaption>Lighter: waiting for a slot or a start; solid: running. ◆ the critical path (what decided when the run ended); ↻ a retry.</figcaption>
    </figure>
  );
};
