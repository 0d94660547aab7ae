/**
 * The run's fixed structure, computed once from `RunRequested`: job and image indexes and the
 * adjacency lists every later event walks, so no event scans the workflow. A request that
 * cannot run (duplicate job names, unknown dependencies, a cycle) gives its problems instead.
 */
import * as E from 'fp-ts/lib/Either.js';
import { findCycle } from '../dag/graph.js';
import { jobHash, workflowHash } from '../names/artifacts.js';
import type { RunRequested } from './events.js';
import type { GraphImage, RunGraph } from './state.js';

/** Builder size when a job gives no `imageBuildResources`: 1 vCPU, 2 GiB (a valid Fargate size). */
export const defaultBuildResources = { cpu: 1024, memory: 2048 } as const;

export const buildGraph = (request: RunRequested): E.Either<readonly string[], RunGraph> => {
  const jobs = request.workflow.jobs;
  const problems: string[] = [];
  // Maps while building: a job may be called `__proto__`, which an object would swallow.
  const jobAt = new Map<string, number>();
  const names = new Set(jobs.map((j) => j.name));
  jobs.forEach((job, i) => {
    if (jobAt.has(job.name)) problems.push(`job "${job.name}" is declared twice`);
    else jobAt.set(job.name, i);
    if (!Number.isInteger(job.concurrency) || job.concurrency < 1) problems.push(`job "${job.name}": concurrency ${job.concurrency} is not a whole number of at least 1`);
    if (!Number.isInteger(job.retries) || job.retries < 0) problems.push(`job "${job.name}": retries ${job.retries} is not a whole number of at least 0`);
    for (const d of job.dependsOn) if (!names.has(d)) problems.push(`job "${job.name}" depends on unknown job "${d}"`);
  });
  const cycle = findCycle(jobs);
  if (cycle !== undefined) problems.push(`jobs depend on each other in a cycle: ${[...cycle, cycle[0]].join(' → ')}`);
  if (problems.length > 0) return E.left(problems);

  const deps = jobs.map((job) => [...new Set(job.dependsOn.map((d) => jobAt.get(d)!))]);
  const dependents: number[][] = jobs.map(() => []);
  deps.forEach((ds, i) => ds.forEach((d) => dependents[d]!.push(i)));

  const images: (GraphImage & { jobs: number[] })[] = [];
  const imageAt = new Map<string, number>();
  const planOf = new Map(request.plan.jobs.map((p) => [p.name, p]));
  const containerImages = jobs.map((job, j) => {
    const byContainer: [string, number][] = [];
    for (const c of job.taskDefinition.containerDefinitions) {
      if (c.dockerfilePath === undefined) continue;
      const ip = planOf.get(job.name)?.images.find((x) => x.container === c.name);
      if (ip === undefined) continue; // rendering reports the missing image key for this job
      let i = imageAt.get(ip.key);
      if (i === undefined) {
        i = images.length;
        imageAt.set(ip.key, i);
        const size = job.imageBuildResources ?? defaultBuildResources;
        images.push({
          key: ip.key, dockerfilePath: ip.dockerfilePath, context: ip.context, job: job.name, container: c.name,
          cpu: size.cpu, memory: size.memory, action: ip.action, jobs: [],
        });
      }
      if (!images[i]!.jobs.includes(j)) images[i]!.jobs.push(j);
      byContainer.push([c.name, i]);
    }
    // fromEntries defines own properties, whatever the names.
    return Object.fromEntries(byContainer) as Record<string, number>;
  });
  return E.right({
    jobNames: jobs.map((j) => j.name),
    jobIndex: Object.fromEntries(jobAt),
    deps,
    dependents,
    images,
    imageIndex: Object.fromEntries(imageAt),
    jobImages: containerImages.map((m) => [...new Set(Object.values(m))]),
    containerImages,
    essential: jobs.map((job) =>
      job.taskDefinition.containerDefinitions.filter((c) => c.essential !== false).map((c) => c.name)),
    wfHash: workflowHash(request.workflow.name),
    jobHashes: jobs.map((j) => jobHash(j.name)),
  });
};
