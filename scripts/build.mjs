#!/usr/bin/env node
// `pnpm build` (and `pnpm install`, through `prepare`): compiles every package to its dist/
// (JavaScript, declarations, source maps; `tsc -b` redoes only what changed), then runs each
// package's own `build` script (the `hyperp` bundle, the web view) as a package manager would.
// Tests do not need it: they run the TypeScript sources. `node scripts/build.mjs core cli`
// builds only those packages (and, through tsc's references, what they use).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (what, command, args, options) => {
  const r = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) {
    console.error(`build: ${what} failed${r.error ? `: ${r.error.message}` : ''}`);
    process.exit(r.status || 1);
  }
};

const only = process.argv.slice(2);
const projects = only.length > 0 ? only.map((name) => join('packages', name)) : ['tsconfig.build.json'];
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
run(`tsc -b ${projects.join(' ')}`, process.execPath, [tsc, '-b', ...projects], { cwd: root });

for (const name of only.length > 0 ? only : readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', name);
  if (!existsSync(join(dir, 'package.json'))) continue;
  const script = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts?.build;
  if (!script) continue;
  const PATH = [join(dir, 'node_modules', '.bin'), join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter);
  run(`packages/${name}: ${script}`, 'sh', ['-c', script], { cwd: dir, env: { ...process.env, PATH } });
}
