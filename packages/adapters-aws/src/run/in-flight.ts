/** Tasks and builds a run believes are launched and not yet stopped: what the sweep reconciles. */
import { vecToArray, type RunState } from '@hyperp/core';

export interface InFlightTask {
  /** A job's task attempt or an image build's builder task. */
  readonly kind: 'task' | 'build';
  /** Null while the launch was sent and no answer named the task (a lost RunTask response). */
  readonly taskArn: string | null;
  readonly startedBy: string;
  readonly lastStatus: string | null;
  /** Epoch ms of the launch; null when unknown. */
  readonly launchedAt: number | null;
}

export const inFlightTasks = (run: RunState): InFlightTask[] => {
  const out: InFlightTask[] = [];
  for (const job of vecToArray(run.jobs)) {
    for (const task of vecToArray(job.tasks)) {
      for (const a of task.attempts) {
        if (a.outcome !== null || a.stoppedAt !== null || a.lastStatus === 'STOPPED') continue;
        if (a.taskArn) out.push({ kind: 'task', taskArn: a.taskArn, startedBy: a.startedBy, lastStatus: a.lastStatus, launchedAt: a.launchedAt });
        else if (a.launchedAt !== null) out.push({ kind: 'task', taskArn: null, startedBy: a.startedBy, lastStatus: a.lastStatus, launchedAt: a.launchedAt });
      }
    }
  }
  for (const image of vecToArray(run.images)) {
    if (image.status === 'BUILDING' && (image.taskArn || image.startedAt !== null)) {
      out.push({ kind: 'build', taskArn: image.taskArn, startedBy: image.startedBy, lastStatus: null, launchedAt: image.startedAt });
    }
  }
  return out;
};
