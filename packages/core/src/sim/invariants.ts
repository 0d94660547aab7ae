/**
 * Checks that a run state agrees with itself: every counter equals a recount of the records it
 * summarises. The simulator runs it after each event in tests; a duplicate that pushed a counter
 * past its mark would show here.
 */
import { isTerminalTask, type RunState, type TaskStatus, type JobStatus } from '../run/state.js';
import { vecToArray } from '../run/vector.js';

/**
 * What is wrong with a state by the reducer's invariants (counts match records, terminal runs have
 * nothing running); empty when all hold.
 */
export const invariantViolations = (s: RunState): string[] => {
  const out: string[] = [];
  const jobs = vecToArray(s.jobs);
  const jobCounts: Partial<Record<JobStatus, number>> = {};
  let launched = 0;
  jobs.forEach((job) => {
    jobCounts[job.status] = (jobCounts[job.status] ?? 0) + 1;
    const tasks = vecToArray(job.tasks);
    const taskCounts: Partial<Record<TaskStatus, number>> = {};
    for (const t of tasks) {
      taskCounts[t.status] = (taskCounts[t.status] ?? 0) + 1;
      for (const a of t.attempts) if (a.launchedAt !== null && a.outcome === null) launched++;
      const open = t.attempts.filter((a) => a.outcome === null).length;
      if (open > 1) out.push(`job ${job.name} task ${t.index}: ${open} attempts open at once`);
      if (isTerminalTask(t.status) && open > 0) out.push(`job ${job.name} task ${t.index}: ${t.status} with an open attempt`);
    }
    for (const [k, v] of Object.entries(job.taskCounts)) {
      if ((taskCounts[k as TaskStatus] ?? 0) !== v) out.push(`job ${job.name}: taskCounts.${k} = ${v}, records say ${taskCounts[k as TaskStatus] ?? 0}`);
    }
  });
  for (const [k, v] of Object.entries(s.jobCounts)) {
    if ((jobCounts[k as JobStatus] ?? 0) !== v) out.push(`jobCounts.${k} = ${v}, records say ${jobCounts[k as JobStatus] ?? 0}`);
  }
  if (launched !== s.inFlight.tasks) out.push(`inFlight.tasks = ${s.inFlight.tasks}, records say ${launched}`);
  const builds = vecToArray(s.images).filter((i) => i.status === 'QUEUED' || i.status === 'BUILDING').length;
  if (builds !== s.inFlight.builds) out.push(`inFlight.builds = ${s.inFlight.builds}, records say ${builds}`);
  const downloads = jobs.filter((j) => j.downloadable?.status === 'PENDING').length;
  if (downloads !== s.inFlight.downloads) out.push(`inFlight.downloads = ${s.inFlight.downloads}, records say ${downloads}`);
  return out;
};
