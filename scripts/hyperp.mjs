#!/usr/bin/env node
// `pnpm hyperp ...` in this repository: runs the bundled `hyperp` (packages/cli/dist/bundle), as
// an installed hyperp runs. The bundle is rebuilt first (esbuild, about a second) when it is
// missing or any source it was built from changed since, so a checkout never runs older code than
// its sources; when nothing changed, checking costs a few hundred file stats.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const cliDir = new URL('../packages/cli/', import.meta.url).pathname;
const bundleDir = join(cliDir, 'dist', 'bundle');

/** Why the bundle must be rebuilt, or undefined when it is as new as every source it holds. */
const staleness = () => {
  let built;
  let inputs;
  try {
    built = statSync(join(bundleDir, 'meta.json')).mtimeMs;
    inputs = Object.keys(JSON.parse(readFileSync(join(bundleDir, 'meta.json'), 'utf8')).inputs);
  } catch {
    return 'it was not built yet';
  }
  // Dependencies change only through `pnpm install`, which rebuilds; the workspace's sources and
  // package.json files (their exports decide what is bundled) are checked here.
  const checked = [
    ...inputs.filter((f) => !f.includes('node_modules/')).map((f) => join(cliDir, f)),
    ...['cli', 'core', 'adapters-local'].map((p) => join(cliDir, '..', p, 'package.json')),
    join(cliDir, 'scripts', 'bundle.mjs'),
  ];
  for (const file of checked) {
    let mtime;
    try {
      mtime = statSync(file).mtimeMs;
    } catch {
      return `${file} is gone`;
    }
    if (mtime > built) return `${file} changed`;
  }
  return undefined;
};

if (staleness() !== undefined) {
  const { bundle } = await import(pathToFileURL(join(cliDir, 'scripts', 'bundle.mjs')).href);
  await bundle();
}
await import(pathToFileURL(join(bundleDir, 'hyperp.js')).href);
