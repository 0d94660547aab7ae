#!/usr/bin/env node
// Builds one ESM bundle per Lambda handler: dist/bundles/<name>/index.mjs (export `handler`),
// Node.js 22. The AWS SDK v3 is bundled, not left to the runtime's copy: the handlers then run
// the exact SDK versions the tests ran (the runtime's SDK changes under a deployed function),
// and tree-shaking keeps only the clients each handler uses. Prints each bundle's size.
import { build } from 'esbuild';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
export const handlers = ['webhook', 'planner', 'task-events', 'stepper', 'sweep', 'api', 'efs'];

const coreSrc = join(pkg, '..', 'core', 'src');

/**
 * @hyperp/core is pure by contract (no I/O, no module-level effects; a test checks it), so its
 * modules are marked side-effect free: each handler's bundle keeps only the core it uses.
 */
const pureCore = {
  name: 'pure-core',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'pure-core' || args.kind === 'entry-point') return undefined;
      const inCore = /^@hyperp\/core(\/(sim|internal))?$/.test(args.path) || (args.importer.startsWith(coreSrc) && args.path.startsWith('.'));
      if (!inCore) return undefined;
      const r = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'pure-core' });
      return r.errors.length > 0 ? undefined : { path: r.path, sideEffects: false };
    });
  },
};

/** esbuild options of one handler's bundle; the permissions test builds with the same, unminified. */
export const bundleOptions = (name, { minify = true } = {}) => ({
  entryPoints: [join(pkg, 'src', 'lambda', `${name}.ts`)],
  outfile: join(pkg, 'dist', 'bundles', name, 'index.mjs'),
  absWorkingDir: pkg,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  conditions: ['source'],
  // Prefer ES modules: jsonc-parser's `main` is a UMD build whose require() calls esbuild cannot follow.
  mainFields: ['module', 'main'],
  minify,
  sourcemap: false,
  legalComments: 'none',
  // Some bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __hyperpRequire } from 'node:module'; const require = __hyperpRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [pureCore],
});

export const bundleAll = async () => {
  const sizes = {};
  for (const name of handlers) {
    const options = bundleOptions(name);
    mkdirSync(dirname(options.outfile), { recursive: true });
    await build(options);
    sizes[name] = statSync(options.outfile).size;
  }
  return sizes;
};

/** One handler's code, unminified (esbuild marks each module's part with a `// path` line), in memory. */
export const bundleText = async (name) => {
  const r = await build({ ...bundleOptions(name, { minify: false }), write: false });
  return r.outputFiles[0].text;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await bundleAll();
  for (const [name, bytes] of Object.entries(sizes)) console.log(`${name.padEnd(12)} ${(bytes / 1024).toFixed(0).padStart(6)} KiB  dist/bundles/${name}/index.mjs`);
}
