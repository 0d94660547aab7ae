import { useEffect, useState } from 'preact/hooks';
import { downloadUrl, getJson, postJson, subscribe } from '../api.js';
import { count, duration, shortCommit, usd, when } from '../format.js';
import type { ArtifactsJob, Job, Run } from '../types.js';
import { Confirm } from './Confirm.js';
import { Dag, type DagNode } from './Dag.js';
import { Status } from './Status.js';
import { Timeline } from './Timeline.js';

type Ask = { kind: 'cancel' } | { kind: 'rerun'; failed: boolean } | { kind: 'download'; job: string };

const fanOut = (j: Job): string | null =>
  j.concurrency > 1 ? `×${j.concurrency}: ${j.counts.done} done · ${j.counts.running} running · ${j.counts.failed} failed` : null;

/** Attempts past each task's first. */
const retries = (j: Job): number => j.attempts.filter((a) => a.attempt > 1).length;

const nodeOf = (j: Job, run: Run): DagNode => {
  const images = run.images.filter((i) => i.jobs.includes(j.name));
  return {
    name: j.name, dependsOn: j.dependsOn, status: j.status, critical: j.critical,
    lines: [
      ...(fanOut(j) ? [fanOut(j)!] : []),
      `cost ${usd(j.costUsd)}${retries(j) > 0 ? ` · ${retries(j)} ${retries(j) === 1 ? 'retry' : 'retries'}` : ''}`,
      ...images.map((i) => i.action === 'reuse' ? 'image reused' : `image ${i.status === 'BUILT' ? 'built' : i.status.toLowerCase()}: ${i.why.replace(/^build: /, '')}`),
      ...(j.reason && ['SKIPPED', 'FAILED', 'CANCELLED'].includes(j.status) ? [j.reason] : []),
    ],
  };
};

const JobPanel = ({ run, job, onDownload }: { run: Run; job: Job; onDownload: () => void }) => (
  <aside class="panel" aria-label={`job ${job.name}`}>
    <h2>{job.name} <Status status={job.status} /></h2>
    {job.reason && <p class="reason">{job.reason}</p>}
    <p>{job.concurrency} task{job.concurrency === 1 ? '' : 's'}: {job.counts.done} done, {job.counts.running} running, {job.counts.failed} failed, {job.counts.waiting} waiting · cost {usd(job.costUsd)}
      {job.startedAt !== null && <> · ran {duration((job.finishedAt ?? run.now ?? Date.now()) - job.startedAt)}</>}</p>
    {job.attempts.length > 0 && (
      <table>
        <thead><tr><th>Task</th><th>Attempt</th><th>Status</th><th>Exit</th><th>Duration</th><th class="num">Cost</th><th>Log</th></tr></thead>
        <tbody>
          {job.attempts.map((a) => (
            <tr>
              <td>{a.index}</td><td>{a.attempt}</td><td><Status status={a.status} />{a.reason && <div class="note">{a.reason}</div>}</td>
              <td>{a.exitCode ?? '—'}</td><td>{a.durationSeconds === null ? '—' : duration(a.durationSeconds * 1000)}</td><td class="num">{usd(a.costUsd)}</td>
              <td><a href={`#/run/${encodeURIComponent(run.runId)}/log/${encodeURIComponent(job.name)}/${a.index}/${a.attempt}`}>log</a></td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    <button type="button" onClick={onDownload} disabled={job.status !== 'SUCCEEDED' && job.status !== 'FAILED'}>Download artifacts…</button>
  </aside>
);

export const RunPage = ({ runId }: { runId: string }) => {
  const [run, setRun] = useState<Run | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState<'graph' | 'timeline' | 'images'>('graph');
  const [ask, setAsk] = useState<Ask | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const [artifacts, setArtifacts] = useState<ArtifactsJob[] | null>(null);
  useEffect(() => subscribe<Run>('run', { id: runId }, (r) => { setRun(r); setProblem(null); }, setProblem), [runId]);
  useEffect(() => {
    if (ask?.kind === 'download') getJson<{ jobs: ArtifactsJob[] }>('artifacts', { id: runId }).then((a) => setArtifacts(a.jobs), (e: Error) => setSaid(e.message));
  }, [ask, runId]);
  if (!run) return <section>{problem ? <p class="problem" role="alert">{problem}</p> : <p>Loading run {runId}…</p>}</section>;
  const job = run.jobs.find((j) => j.name === selected) ?? null;
  const act = async () => {
    const a = ask;
    setAsk(null);
    try {
      if (a?.kind === 'cancel') setSaid((await postJson<{ message: string }>('cancel', { id: run.runId })).message || 'cancel requested');
      if (a?.kind === 'rerun') {
        const r = await postJson<{ runId: string }>('rerun', { id: run.runId, failed: a.failed });
        location.hash = `#/run/${encodeURIComponent(r.runId)}`;
      }
      if (a?.kind === 'download') location.href = downloadUrl(run.runId, a.job);
    } catch (e) {
      setSaid((e as Error).message);
    }
  };
  const elapsed = run.requestedAt !== null ? (run.finishedAt ?? run.now ?? Date.now()) - run.requestedAt : null;
  const dl = ask?.kind === 'download' ? artifacts?.find((j) => j.name === ask.job) : undefined;
  return (
    <section>
      <h1>Run <code>{run.runId}</code> <Status status={run.status} /></h1>
      <p class="meta">
        {run.workflow} · {run.branch && <>branch {run.branch} · </>}commit <code>{shortCommit(run.commit)}</code>{run.dirty ? ' (uncommitted changes)' : ''}
        {run.trigger && <> · {run.trigger}</>} · requested {when(run.requestedAt)} · {run.ended ? 'took' : 'running for'} {duration(elapsed)}
        {' · '}<strong>cost {usd(run.costUsd)}</strong>{run.buildsUsd > 0 ? ` (builds ${usd(run.buildsUsd)})` : ''}
      </p>
      {run.failure && <p class="problem">{run.failure}</p>}
      {run.resumeWith && <p class="note">No hyperp process drives this run any more; continue it with <code>{run.resumeWith}</code></p>}
      {problem && <p class="problem" role="alert">{problem}</p>}
      {said && <p class="said" role="status">{said}</p>}
      <div class="actions">
        {!run.ended && <button type="button" class="danger" onClick={() => setAsk({ kind: 'cancel' })}>Cancel run…</button>}
        {run.ended && <button type="button" onClick={() => setAsk({ kind: 'rerun', failed: false })}>Rerun all…</button>}
        {run.ended && run.status !== 'SUCCEEDED' && <button type="button" onClick={() => setAsk({ kind: 'rerun', failed: true })}>Rerun failed…</button>}
      </div>
      <div role="tablist" class="tabs">
        {(['graph', 'timeline', 'images'] as const).map((t) => (
          <button type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>{t === 'graph' ? 'Graph' : t === 'timeline' ? 'Timeline' : `Images (${run.images.length})`}</button>
        ))}
      </div>
      <div class="run-body">
        <div class="scroll" role="tabpanel">
          {tab === 'graph' && <>
            {!run.detailed && <p class="note">No edges: {run.undetailed ?? 'the deployment\'s API gives none'}. The jobs are shown side by side.</p>}
            <Dag label={`jobs of run ${run.runId}`} nodes={run.jobs.map((j) => nodeOf(j, run))} selected={selected} onSelect={setSelected} />
            <p class="hint">Select a job (Tab, then Enter) for its tasks, logs and artifacts.</p>
          </>}
          {tab === 'timeline' && <Timeline run={run} />}
          {tab === 'images' && (run.images.length === 0 ? <p>No images{run.detailed ? '' : ` (${run.undetailed ?? 'the deployment\'s API does not list them'})`}.</p> : (
            <table class="images">
              <thead><tr><th>Dockerfile</th><th>Jobs</th><th>Plan</th><th>Status</th><th>Why</th><th>Took</th></tr></thead>
              <tbody>{run.images.map((i) => (
                <tr><td><code>{i.dockerfilePath}</code></td><td>{i.jobs.join(', ')}</td><td>{i.action}</td><td><Status status={i.status} />{i.failure && <div class="note">{i.failure}</div>}</td>
                  <td>{i.why}{i.changedFiles.length > 0 && <div class="note">changed: {i.changedFiles.slice(0, 10).join(', ')}{i.changedFiles.length > 10 ? ` and ${i.changedFiles.length - 10} more` : ''}</div>}</td>
                  <td>{i.startedAt !== null && i.finishedAt !== null ? duration(i.finishedAt - i.startedAt) : '—'}</td></tr>
              ))}</tbody>
            </table>
          ))}
        </div>
        {job && <JobPanel run={run} job={job} onDownload={() => setAsk({ kind: 'download', job: job.name })} />}
      </div>
      {ask?.kind === 'cancel' && <Confirm title={`Cancel run ${run.runId}?`} yes="Cancel the run" onYes={act} onNo={() => setAsk(null)}>Its running tasks are stopped; jobs that have not started are skipped. It ends CANCELLED.</Confirm>}
      {ask?.kind === 'rerun' && <Confirm title={`Run ${run.workflow} again?`} yes={ask.failed ? 'Rerun failed jobs' : 'Rerun all jobs'} onYes={act} onNo={() => setAsk(null)}>
        A new run of the same workflow at commit {shortCommit(run.commit)}{ask.failed ? ', reusing the outputs of the jobs that succeeded' : ', every job'}.</Confirm>}
      {ask?.kind === 'download' && <Confirm title={`Download the artifacts of ${ask.job}?`} yes="Download" onYes={act} onNo={() => setAsk(null)}>
        {dl === undefined ? 'Looking at the job\'s output…' : dl.download === 'none' ? `Nothing to download: ${dl.reason ?? ''}` : `A zip of the job's output${dl.files !== null ? ` (${count(dl.files, 'file')}, ${dl.bytes} bytes)` : ''}${dl.download === 'on-demand' ? ', made now' : ''}.`}
      </Confirm>}
    </section>
  );
};
