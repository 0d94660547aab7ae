/**
 * The job graph: deterministic orderings over jobs that name their dependencies.
 *
 * Every function takes the jobs in declaration order and is total: names that no job declares
 * are ignored (validation reports them), the first job of a duplicated name wins, and jobs on
 * or behind a cycle are left out of orderings (validation rejects cycles, so for a
 * `WorkflowSpec` every job is present). Ties are broken by declaration order, so the same
 * workflow always gives the same answer.
 */

/** The least a job needs to be placed in the graph; `JobSpec` fits. */
export interface DagNode {
  readonly name: string;
  readonly dependsOn: readonly string[];
}

/** Index of every name (first declaration wins) and, per job, its known direct dependencies. */
interface Indexed<T extends DagNode> {
  readonly nodes: readonly T[];
  readonly index: ReadonlyMap<string, number>;
  /** deps[i]: declaration indexes of job i's dependencies, duplicates removed. */
  readonly deps: readonly (readonly number[])[];
  /** dependents[i]: declaration indexes of jobs that depend on job i, ascending. */
  readonly dependents: readonly (readonly number[])[];
}

const indexed = <T extends DagNode>(all: readonly T[]): Indexed<T> => {
  const index = new Map<string, number>();
  const nodes: T[] = [];
  for (const n of all) {
    if (index.has(n.name)) continue;
    index.set(n.name, nodes.length);
    nodes.push(n);
  }
  const deps = nodes.map((n) => [
    ...new Set(n.dependsOn.map((d) => index.get(d)).filter((i): i is number => i !== undefined)),
  ]);
  const dependents: number[][] = nodes.map(() => []);
  deps.forEach((ds, i) => ds.forEach((d) => dependents[d]!.push(i)));
  return { nodes, index, deps, dependents };
};

/** A min-heap of declaration indexes: the ready job declared first comes out first. */
const readyHeap = () => {
  const h: number[] = [];
  const push = (x: number): void => {
    let i = h.push(x) - 1;
    while (i > 0 && h[(i - 1) >> 1]! > x) {
      h[i] = h[(i - 1) >> 1]!;
      i = (i - 1) >> 1;
    }
    h[i] = x;
  };
  const pop = (): number | undefined => {
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const least = l + 1 < h.length && h[l + 1]! < h[l]! ? l + 1 : l;
      if (least >= h.length || h[least]! >= last) break;
      h[i] = h[least]!;
      i = least;
    }
    h[i] = last;
    return top;
  };
  return { push, pop };
};

/** Declaration indexes in Kahn order; a job becomes ready when its last dependency is placed. */
const kahn = (g: Indexed<DagNode>): number[] => {
  const waiting = g.deps.map((ds) => ds.length);
  const ready = readyHeap();
  waiting.forEach((w, i) => w === 0 && ready.push(i));
  const order: number[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    order.push(next);
    for (const d of g.dependents[next]!) if (--waiting[d]! === 0) ready.push(d);
  }
  return order;
};

/**
 * Jobs so that each comes after all of its dependencies (Kahn's algorithm); among jobs that are
 * ready at the same time, the one declared first comes first.
 */
export const topologicalOrder = <T extends DagNode>(jobs: readonly T[]): T[] => {
  const g = indexed(jobs);
  return kahn(g).map((i) => g.nodes[i]!);
};

/**
 * Jobs grouped by depth: level 0 holds jobs without dependencies, level k the jobs whose
 * deepest dependency is at level k-1. Jobs of one level may run together. Declaration order
 * within a level.
 */
export const levels = <T extends DagNode>(jobs: readonly T[]): T[][] => {
  const g = indexed(jobs);
  const depth: number[] = g.nodes.map(() => 0);
  const placed = kahn(g);
  for (const i of placed) depth[i] = Math.max(0, ...g.deps[i]!.map((d) => depth[d]! + 1));
  const out: T[][] = [];
  for (const i of [...placed].sort((a, b) => a - b)) (out[depth[i]!] ??= []).push(g.nodes[i]!);
  return out;
};

/** Names of the jobs that list `name` in their `dependsOn`, in declaration order. */
export const dependents = (jobs: readonly DagNode[], name: string): string[] => {
  const g = indexed(jobs);
  const i = g.index.get(name);
  return i === undefined ? [] : g.dependents[i]!.map((d) => g.nodes[d]!.name);
};

/** Names of the jobs reachable from `name` along `edges` (not `name` itself), in declaration order. */
const reachable = (jobs: readonly DagNode[], name: string, edges: 'deps' | 'dependents'): string[] => {
  const g = indexed(jobs);
  const start = g.index.get(name);
  if (start === undefined) return [];
  const seen = new Set<number>();
  const stack = [...g[edges][start]!];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seen.has(i) || i === start) continue;
    seen.add(i);
    stack.push(...g[edges][i]!);
  }
  return [...seen].sort((a, b) => a - b).map((i) => g.nodes[i]!.name);
};

/**
 * Names of every job that depends on `name` directly or through other jobs (what must be
 * skipped when it fails), in declaration order; `name` itself is not included.
 */
export const transitiveDependents = (jobs: readonly DagNode[], name: string): string[] => reachable(jobs, name, 'dependents');

/**
 * Names of every job that `name` depends on directly or through other jobs, in declaration
 * order; `name` itself is not included.
 */
export const transitiveDependencies = (jobs: readonly DagNode[], name: string): string[] => reachable(jobs, name, 'deps');

/**
 * The first cycle of `dependsOn` edges, as job names where each depends on the next and the
 * last depends on the first, starting at the earliest-declared job of the cycle; undefined when
 * the graph is acyclic. Search follows declaration order, so the answer is deterministic.
 */
export const findCycle = (jobs: readonly DagNode[]): string[] | undefined => {
  const g = indexed(jobs);
  const state: Array<'new' | 'open' | 'done'> = g.nodes.map(() => 'new');
  // Depth-first with an explicit stack (a long chain of jobs must not overflow the call stack):
  // each frame is a job and the position of the next dependency to follow.
  for (let root = 0; root < g.nodes.length; root++) {
    if (state[root] !== 'new') continue;
    const path: number[] = [root];
    const next: number[] = [0];
    state[root] = 'open';
    while (path.length > 0) {
      const top = path.length - 1;
      const i = path[top]!;
      const d = g.deps[i]![next[top]!++];
      if (d === undefined) {
        state[i] = 'done';
        path.pop();
        next.pop();
      } else if (state[d] === 'open') {
        const cycle = path.slice(path.indexOf(d));
        const first = cycle.indexOf(cycle.reduce((a, b) => Math.min(a, b)));
        return [...cycle.slice(first), ...cycle.slice(0, first)].map((c) => g.nodes[c]!.name);
      } else if (state[d] === 'new') {
        state[d] = 'open';
        path.push(d);
        next.push(0);
      }
    }
  }
  return undefined;
};

export interface CriticalPath {
  /** Job names from a job without dependencies to the job that finishes last. */
  readonly path: readonly string[];
  /** Sum of the durations along the path: the shortest possible run time with unlimited capacity. */
  readonly duration: number;
  /** Earliest finish time of every job (by name) when each starts as soon as its dependencies end. */
  readonly finish: Readonly<Record<string, number>>;
}

/**
 * The longest chain of dependent jobs when each job takes `durations[name]` (0 when absent;
 * any unit). Ties — between predecessors and between end jobs — go to the job declared first.
 */
export const criticalPath = (
  jobs: readonly DagNode[],
  durations: Readonly<Record<string, number>>,
): CriticalPath => {
  const g = indexed(jobs);
  const finish: number[] = g.nodes.map(() => 0);
  const via: (number | undefined)[] = g.nodes.map(() => undefined);
  const placed = kahn(g);
  for (const i of placed) {
    let start = 0;
    for (const d of [...g.deps[i]!].sort((a, b) => a - b)) {
      // Strictly greater: among equally late dependencies the one declared first is kept.
      if (via[i] === undefined || finish[d]! > start) [start, via[i]] = [finish[d]!, d];
    }
    const name = g.nodes[i]!.name;
    finish[i] = start + (Object.hasOwn(durations, name) ? durations[name]! : 0);
  }
  let end: number | undefined;
  for (const i of [...placed].sort((a, b) => a - b)) if (end === undefined || finish[i]! > finish[end]!) end = i;
  const path: string[] = [];
  for (let i = end; i !== undefined; i = via[i]) path.unshift(g.nodes[i]!.name);
  const byName: Record<string, number> = Object.fromEntries(placed.map((i) => [g.nodes[i]!.name, finish[i]!]));
  return { path, duration: end === undefined ? 0 : finish[end]!, finish: byName };
};
