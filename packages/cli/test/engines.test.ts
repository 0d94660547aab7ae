// A package's `engines.node` is a promise: it runs on those Node versions. It holds only when every
// package it needs at run time, its dependencies' dependencies included, runs on all of them too —
// a dependency that asks for a newer Node (commander 15 asks for 22.12) makes npm warn, or refuse
// under engine-strict, on a Node the package says it supports. The workspace's packages that
// declare one (those installed with npm) declare the same, the root's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';

interface Manifest {
  readonly name: string;
  readonly version?: string;
  readonly engines?: { readonly node?: string };
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>;
}

const root = new URL('../../..', import.meta.url).pathname;
const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
const rootEngines = manifest(root).engines?.node;
const workspace = readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p)).filter((d) => existsSync(join(d, 'package.json')));

/** Where Node finds package `name` from `dir`: the first node_modules/<name> up the folders (pnpm links each there). */
const packageDir = (dir: string, name: string): string | undefined => {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(d) === d) return undefined;
  }
};

/** What a package needs when it runs: its dependencies and the peers it does not mark optional. */
const runtimeDependencies = (m: Manifest): string[] => [
  ...Object.keys(m.dependencies ?? {}),
  ...Object.keys(m.optionalDependencies ?? {}),
  ...Object.keys(m.peerDependencies ?? {}).filter((p) => m.peerDependenciesMeta?.[p]?.optional !== true),
];

/** Each package of `dir`'s run-time tree (itself excluded) that does not run on every Node of `range`, with the path to it. */
const narrower = (dir: string, range: string): string[] => {
  const problems: string[] = [];
  const seen = new Set<string>([dir]);
  const todo: { dir: string; path: string[] }[] = [{ dir, path: [manifest(dir).name] }];
  while (todo.length > 0) {
    const at = todo.pop()!;
    for (const name of runtimeDependencies(manifest(at.dir))) {
      const found = packageDir(at.dir, name);
      if (found === undefined || seen.has(found)) continue; // an optional dependency not installed here
      seen.add(found);
      const m = manifest(found);
      const path = [...at.path, `${m.name}@${m.version ?? '?'}`];
      const theirs = m.engines?.node;
      if (theirs !== undefined && !semver.subset(range, theirs)) problems.push(`${path.join(' > ')} declares node ${theirs}`);
      todo.push({ dir: found, path });
    }
  }
  return problems.sort();
};

test('the packages that declare engines.node declare the root\'s', () => {
  assert.ok(rootEngines, 'the root package.json declares no engines.node');
  const declared = workspace.map(manifest).filter((m) => m.engines?.node !== undefined).map((m) => [m.name, m.engines!.node]);
  assert.ok(declared.some(([name]) => name === '@hyperp/cli'));
  assert.equal(declared.filter(([, node]) => node !== rootEngines), []);
});

test('every package an installed workspace package needs at run time runs on each Node version that package declares', () => {
  const problems = workspace.flatMap((dir) => {
    // adapters-aws and infra declare none: Lambda runs the one (nodejs22.x) and the checkout's
    // Pulumi the other, never an npm install; ui is checked as a dependency of the CLI.
    const range = manifest(dir).engines?.node;
    if (range === undefined) return [];
    return narrower(dir, range).map((p) => `${p}, narrower than ${range}`);
  });
  assert.equal(problems, []);
});

test.run();
