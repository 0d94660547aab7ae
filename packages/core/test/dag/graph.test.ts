import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  criticalPath,
  dependents,
  findCycle,
  levels,
  topologicalOrder,
  transitiveDependencies,
  transitiveDependents,
  type DagNode,
} from '../../src/dag/graph.js';

const names = (ns: readonly DagNode[]): string[] => ns.map((n) => n.name);
const job = (name: string, ...dependsOn: string[]): DagNode => ({ name, dependsOn });

// The calculator pipeline of the original hyperp.
const calculator = [
  job('Generate x'),
  job('x * y', 'Generate x'),
  job('x / z', 'Generate x'),
  job('(x * y) + (x / z)', 'x * y', 'x / z'),
];

/**
 * A random DAG: job k may depend on any job generated before it, then the declaration order is
 * shuffled so that dependencies are not always declared first.
 */
const dagArb = fc
  .integer({ min: 0, max: 9 })
  .chain((n) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: n }, (_, k) => fc.subarray(Array.from({ length: k }, (_, j) => j)))),
      fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }),
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }),
    ),
  )
  .map(([deps, perm, durations]) => {
    const jobs = perm.map((k) => job(`j${k}`, ...deps[k]!.map((d) => `j${d}`)));
    const dur: Record<string, number> = {};
    durations.forEach((d, k) => (dur[`j${k}`] = d));
    return { jobs, dur };
  });

/** Reference: repeatedly take the first-declared job whose dependencies are all placed. */
const referenceOrder = (jobs: readonly DagNode[]): string[] => {
  const placed: string[] = [];
  while (placed.length < jobs.length) {
    const next = jobs.find((j) => !placed.includes(j.name) && j.dependsOn.every((d) => placed.includes(d)));
    if (!next) break;
    placed.push(next.name);
  }
  return placed;
};

const reach = (jobs: readonly DagNode[], from: string, step: (n: string) => string[]): string[] => {
  const seen = new Set<string>();
  const go = (n: string): void => step(n).forEach((m) => !seen.has(m) && (seen.add(m), go(m)));
  go(from);
  return jobs.map((j) => j.name).filter((n) => seen.has(n));
};

/** Every path from a root to any job, by brute force (graphs here have at most 9 jobs). */
const allPaths = (jobs: readonly DagNode[]): string[][] => {
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const ending = (n: string): string[][] => {
    const deps = byName.get(n)!.dependsOn;
    return deps.length === 0 ? [[n]] : deps.flatMap((d) => ending(d).map((p) => [...p, n]));
  };
  return jobs.flatMap((j) => ending(j.name));
};

const order = suite('topologicalOrder');

order('the calculator runs Generate x, then its two children in declaration order, then the sum', () => {
  assert.equal(names(topologicalOrder(calculator)), ['Generate x', 'x * y', 'x / z', '(x * y) + (x / z)']);
});

order('ties go to the job declared first, even when dependencies are declared late', () => {
  const jobs = [job('c', 'a'), job('b'), job('a'), job('d', 'b')];
  assert.equal(names(topologicalOrder(jobs)), ['b', 'a', 'c', 'd']);
});

order('jobs on or behind a cycle are left out; unknown names and duplicates are ignored', () => {
  const jobs = [job('a', 'nope'), job('b', 'c'), job('c', 'b'), job('d', 'b'), job('a', 'b')];
  assert.equal(topologicalOrder(jobs), [job('a', 'nope')]);
});

order('matches the first-ready-declared-first reference on random DAGs and respects every edge', () => {
  fc.assert(
    fc.property(dagArb, ({ jobs }) => {
      const got = names(topologicalOrder(jobs));
      assert.equal(got, referenceOrder(jobs));
      assert.equal([...got].sort(), names(jobs).sort());
      for (const j of jobs) for (const d of j.dependsOn) assert.ok(got.indexOf(d) < got.indexOf(j.name));
    }),
    { numRuns: 200 },
  );
});

order.run();

const lv = suite('levels');

lv('the calculator has three levels', () => {
  assert.equal(levels(calculator).map(names), [['Generate x'], ['x * y', 'x / z'], ['(x * y) + (x / z)']]);
});

lv('a job sits one level below its deepest dependency, declaration order within a level', () => {
  fc.assert(
    fc.property(dagArb, ({ jobs }) => {
      const ls = levels(jobs).map(names);
      const levelOf = new Map(ls.flatMap((l, k) => l.map((n) => [n, k] as const)));
      assert.equal(ls.flat().sort(), names(jobs).sort());
      for (const j of jobs) {
        const expected = Math.max(-1, ...j.dependsOn.map((d) => levelOf.get(d)!)) + 1;
        assert.is(levelOf.get(j.name), expected, j.name);
      }
      for (const l of ls) {
        assert.ok(l.length > 0);
        assert.equal(l, names(jobs).filter((n) => l.includes(n)));
      }
    }),
    { numRuns: 200 },
  );
});

lv.run();

const deps = suite('dependents');

deps('direct and transitive dependents of the calculator jobs', () => {
  assert.equal(dependents(calculator, 'Generate x'), ['x * y', 'x / z']);
  assert.equal(transitiveDependents(calculator, 'Generate x'), ['x * y', 'x / z', '(x * y) + (x / z)']);
  assert.equal(transitiveDependents(calculator, 'x / z'), ['(x * y) + (x / z)']);
  assert.equal(transitiveDependents(calculator, '(x * y) + (x / z)'), []);
  assert.equal(transitiveDependencies(calculator, '(x * y) + (x / z)'), ['Generate x', 'x * y', 'x / z']);
  assert.equal(dependents(calculator, 'unknown'), []);
});

deps('equal reachability along dependsOn edges on random DAGs', () => {
  fc.assert(
    fc.property(dagArb, ({ jobs }) => {
      const direct = (n: string): string[] => jobs.filter((j) => j.dependsOn.includes(n)).map((j) => j.name);
      const up = (n: string): string[] => [...jobs.find((j) => j.name === n)!.dependsOn];
      for (const j of jobs) {
        assert.equal(dependents(jobs, j.name), direct(j.name));
        assert.equal(transitiveDependents(jobs, j.name), reach(jobs, j.name, direct));
        assert.equal(transitiveDependencies(jobs, j.name), reach(jobs, j.name, up));
      }
    }),
    { numRuns: 150 },
  );
});

deps.run();

const cp = suite('criticalPath');

cp('the slower branch of the calculator is critical', () => {
  const r = criticalPath(calculator, { 'Generate x': 10, 'x * y': 30, 'x / z': 50, '(x * y) + (x / z)': 5 });
  assert.equal(r, {
    path: ['Generate x', 'x / z', '(x * y) + (x / z)'],
    duration: 65,
    finish: { 'Generate x': 10, 'x * y': 40, 'x / z': 60, '(x * y) + (x / z)': 65 },
  });
});

cp('ties go to the job declared first; no jobs give an empty path', () => {
  assert.equal(criticalPath(calculator, {}).path, ['Generate x']);
  assert.equal(criticalPath(calculator, { 'x * y': 1, 'x / z': 1, '(x * y) + (x / z)': 1 }).path, ['Generate x', 'x * y', '(x * y) + (x / z)']);
  assert.equal(criticalPath([], {}), { path: [], duration: 0, finish: {} });
});

cp('is a real chain whose length is the longest of all paths, on random DAGs', () => {
  fc.assert(
    fc.property(dagArb, ({ jobs, dur }) => {
      const r = criticalPath(jobs, dur);
      const sum = (p: readonly string[]): number => p.reduce((s, n) => s + dur[n]!, 0);
      const longest = Math.max(0, ...allPaths(jobs).map(sum));
      assert.is(r.duration, longest);
      assert.is(sum(r.path), r.duration);
      if (jobs.length > 0) assert.equal(jobs.find((j) => j.name === r.path[0])!.dependsOn, []);
      for (let k = 1; k < r.path.length; k++) {
        assert.ok(jobs.find((j) => j.name === r.path[k])!.dependsOn.includes(r.path[k - 1]!));
      }
    }),
    { numRuns: 150 },
  );
});

cp.run();

const cyc = suite('findCycle');

cyc('names the jobs on the cycle in order, starting from the first declared', () => {
  const jobs = [job('a'), job('d', 'b'), job('b', 'c'), job('c', 'd'), job('e', 'c')];
  assert.equal(findCycle(jobs), ['d', 'b', 'c']);
  assert.equal(findCycle([job('self', 'self')]), ['self']);
  assert.is(findCycle(calculator), undefined);
});

cyc('finds no cycle in random DAGs and finds one after adding a back edge', () => {
  fc.assert(
    fc.property(dagArb, fc.nat(), ({ jobs }, pick) => {
      assert.is(findCycle(jobs), undefined);
      const withDeps = jobs.filter((j) => j.dependsOn.length > 0);
      if (withDeps.length === 0) return;
      const j = withDeps[pick % withDeps.length]!;
      const back = jobs.map((x) => (x.name === j.dependsOn[0] ? job(x.name, ...x.dependsOn, j.name) : x));
      const cycle = findCycle(back)!;
      assert.ok(cycle.length >= 2);
      cycle.forEach((n, k) => {
        const next = cycle[(k + 1) % cycle.length]!;
        assert.ok(back.find((x) => x.name === n)!.dependsOn.includes(next), `${n} -> ${next}`);
      });
      assert.is(topologicalOrder(back).length < jobs.length, true);
    }),
    { numRuns: 150 },
  );
});

cyc('a chain of 20 000 jobs is searched without overflowing the stack', () => {
  const n = 20_000;
  const chain = Array.from({ length: n }, (_, k) => job(`j${k}`, ...(k === 0 ? [] : [`j${k - 1}`])));
  assert.is(findCycle(chain), undefined);
  const looped = [job('j0', `j${n - 1}`), ...chain.slice(1)];
  assert.is(findCycle(looped)!.length, n);
  assert.is(topologicalOrder(chain).length, n);
});

cyc.run();
