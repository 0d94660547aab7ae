import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api.js';
import { count } from '../format.js';
import type { Workflows } from '../types.js';
import { Dag } from './Dag.js';

/** The workflows as the files are now: their graphs, `validate`'s issues where they are, and `plan`'s answer. */
export const WorkflowsPage = () => {
  const [w, setW] = useState<Workflows | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const load = () => getJson<Workflows>('workflows').then((v) => { setW(v); setProblem(null); }, (e: Error) => setProblem(e.message));
  useEffect(() => void load(), []);
  if (!w) return <section><h1>Workflows</h1>{problem ? <p class="problem" role="alert">{problem}</p> : <p>Reading the workflows…</p>}</section>;
  const errors = w.issues.filter((i) => i.severity === 'error').length;
  return (
    <section>
      <h1>Workflows</h1>
      <p class="meta">As the files are now, uncommitted changes included. <button type="button" onClick={() => void load()}>Read again</button></p>
      <h2>Validation: {errors} error{errors === 1 ? '' : 's'}, {w.issues.length - errors} warning{w.issues.length - errors === 1 ? '' : 's'}</h2>
      {w.issues.length > 0 && (
        <ul class="issues">
          {w.issues.map((i) => (
            <li class={i.severity}>
              <div><code>{i.file}{i.line !== null ? `:${i.line}` : ''}{i.column !== null ? `:${i.column}` : ''}</code> <strong>{i.severity}</strong> {i.message}{i.path ? <span class="note"> ({i.path})</span> : null}</div>
              {i.text !== null && <pre class="source"><span class="ln">{i.line}</span>{i.text}{'\n'}<span class="ln"></span>{' '.repeat(Math.max(0, (i.column ?? 1) - 1))}^</pre>}
            </li>
          ))}
        </ul>
      )}
      {w.graphs.map((g) => {
        const plan = w.plan?.workflows.find((p) => p.name === g.name);
        return (
          <article class="workflow">
            <h2>{g.name} <span class="note"><code>{g.file}</code> · branches {g.branches.join(', ')}</span></h2>
            {g.description && <p>{g.description}</p>}
            <div class="scroll">
              <Dag label={`jobs of workflow ${g.name}`} nodes={g.jobs.map((j) => ({
                name: j.name, dependsOn: j.dependsOn,
                lines: [
                  ...(j.concurrency > 1 ? [`×${j.concurrency} tasks`] : []),
                  ...(j.retries > 0 ? [count(j.retries, 'retry', 'retries')] : []),
                  ...(plan ? [`plan: ${plan.jobs.find((p) => p.name === j.name)?.action ?? '—'}`] : []),
                ],
              }))} />
            </div>
            {plan ? (
              <table class="plan">
                <caption>Plan{w.plan ? ` for a push of ${w.plan.branch} at ${w.plan.commit.slice(0, 12)}` : ''}</caption>
                <thead><tr><th>Job</th><th>Container</th><th>Image</th><th>Why</th></tr></thead>
                <tbody>{plan.jobs.flatMap((j) => j.images.map((i) => (
                  <tr><td>{j.name}</td><td>{i.container}</td><td>{i.action}</td><td>{i.reason}</td></tr>
                )))}</tbody>
              </table>
            ) : <p class="note">{w.planError ?? `A push of ${w.plan?.branch ?? 'this branch'} does not run this workflow.`}</p>}
          </article>
        );
      })}
    </section>
  );
};
