/**
 * The shortest a run can possibly take on an unlimited cluster: the longest path through the
 * DAG where a job costs its start latency plus its longest task, and also waits for its own
 * image builds (not for every build of the workflow). The simulator's fault-free makespan must
 * equal it; with a barrier on all builds (the original hyperp's rule) every job waits for the
 * slowest build instead.
 */
import { criticalPath } from '../dag/graph.js';
import type { RunRequested } from '../run/events.js';
import type { ClusterModel } from './cluster.js';

/** Options of `criticalPathMs`. */
export interface LowerBoundOptions {
  /** Every job waits for every image build of the workflow (the original's rule). */
  readonly barrier?: boolean;
}

/**
 * The shortest possible makespan of a request under a cluster model: the lower bound a simulated
 * run is compared with.
 */
export const criticalPathMs = (request: RunRequested, model: ClusterModel, o: LowerBoundOptions = {}): number => {
  const reused = new Set(request.reuse.map((r) => r.job));
  const imageNodes = new Map<string, number>();
  const jobImages = new Map<string, string[]>();
  for (const jp of request.plan.jobs) {
    if (reused.has(jp.name)) continue;
    const keys = jp.images.filter((i) => i.action === 'build').map((i) => `image:${i.key}`);
    jobImages.set(jp.name, keys);
    for (const i of jp.images) if (i.action === 'build') imageNodes.set(`image:${i.key}`, model.buildMs(i.key));
  }
  const allImages = [...imageNodes.keys()];
  const durations: Record<string, number> = Object.fromEntries(imageNodes);
  const nodes = [
    ...allImages.map((name) => ({ name, dependsOn: [] as string[] })),
    ...request.workflow.jobs.map((job) => {
      if (reused.has(job.name)) return { name: job.name, dependsOn: [] as string[] };
      let longest = 0;
      for (let index = 1; index <= job.concurrency; index++) longest = Math.max(longest, model.task(job.name, index, 1).durationMs);
      durations[job.name] = model.startLatencyMs + longest;
      return { name: job.name, dependsOn: [...job.dependsOn, ...(o.barrier ? allImages : jobImages.get(job.name) ?? [])] };
    }),
  ];
  return criticalPath(nodes, durations).duration;
};
