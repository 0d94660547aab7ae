/**
 * A job's task definition was registered (the job may start) or refused (the job fails). A
 * repeated registration command creates another revision: it is remembered and deregistered
 * too, and one that arrives after the run ended is deregistered at once.
 */
import type { TaskDefinitionRegistered, TaskDefinitionRejected } from './events.js';
import { failJob, maybeStartJob } from './jobs.js';
import { jobAt, knownJob, putJob } from './records.js';
import { isTerminalRun } from './state.js';
import { diagnose, emit, runIdOf, type Tx } from './tx.js';

export const onTaskDefinitionRegistered = (tx: Tx, e: TaskDefinitionRegistered): void => {
  const known = knownJob(tx, e, e.job);
  if (known === undefined) return;
  const { j, job } = known;
  if (isTerminalRun(tx.s.status)) {
    if (e.taskDefinitionArn === job.taskDefinitionArn || job.otherTaskDefinitionArns.includes(e.taskDefinitionArn)) return;
    putJob(tx, j, { ...job, otherTaskDefinitionArns: [...job.otherTaskDefinitionArns, e.taskDefinitionArn] });
    diagnose(tx, 'AfterRunFinished', e, `task definition ${e.taskDefinitionArn} registered after the run ended; deregistered`);
    emit(tx, { _tag: 'DeregisterTaskDefinitions', runId: runIdOf(tx), taskDefinitionArns: [e.taskDefinitionArn] });
    return;
  }
  if (job.taskDefinitionArn === null) {
    putJob(tx, j, { ...job, registration: 'REGISTERED', taskDefinitionArn: e.taskDefinitionArn });
    maybeStartJob(tx, j);
  } else if (e.taskDefinitionArn !== job.taskDefinitionArn && !job.otherTaskDefinitionArns.includes(e.taskDefinitionArn)) {
    putJob(tx, j, { ...job, otherTaskDefinitionArns: [...job.otherTaskDefinitionArns, e.taskDefinitionArn] });
  }
};

export const onTaskDefinitionRejected = (tx: Tx, e: TaskDefinitionRejected): void => {
  const known = knownJob(tx, e, e.job);
  if (known === undefined) return;
  taskDefinitionRejected(tx, known.j, e.reason);
};

/** The job's registration failed for good: the job fails with the reason. */
export const taskDefinitionRejected = (tx: Tx, j: number, reason: string): void => {
  const job = jobAt(tx, j);
  if (job === undefined || job.registration !== 'REGISTERING') return;
  putJob(tx, j, { ...job, registration: 'REJECTED' });
  failJob(tx, j, `its task definition was rejected: ${reason}`);
};
