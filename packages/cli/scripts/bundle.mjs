#!/usr/bin/env node
// Builds the `hyperp` executable: dist/bundle/hyperp.js and its chunks, compiled from the
// sources (TypeScript, the workspace packages and the small dependencies) into a few ES module
// files. Node then reads a handful of files at start instead of the ~400 the compiled tree
// imports, and each command's code sits in chunks that only that command's `import()` loads.
// The AWS SDK and Pulumi stay external: only the commands that need them import them, from
// node_modules — the AWS SDK as the package's dependency, Pulumi's SDK as its optional peer
// (installed in a checkout; `deploy` says what to install where it is missing). `dist/bundle/meta.json` lists every input, so the
// repository's `pnpm hyperp` can tell when the bundle is older than a source.
import { build } from 'esbuild';
import { mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bundleDir = join(pkg, 'dist', 'bundle');
/** Loaded only by the commands that use them, and too large or too dynamic to bundle. */
export const external = ['@pulumi/*', '@aws-sdk/*', '@smithy/*', '@aws-crypto/*'];

export const bundleOptions = (outdir) => ({
  entryPoints: { hyperp: join(pkg, 'src', 'bin.ts') },
  outdir,
  chunkNames: 'chunk-[hash]',
  absWorkingDir: pkg,
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  conditions: ['source'],
  // Prefer ES modules: jsonc-parser's `main` is a UMD build whose require() calls esbuild cannot follow.
  mainFields: ['module', 'main'],
  external,
  sourcemap: 'linked',
  metafile: true,
  // Some bundled CommonJS dependencies call require(); give every ES module file one.
  banner: { js: "import { createRequire as __hyperpRequire } from 'node:module'; const require = __hyperpRequire(import.meta.url);" },
  logLevel: 'warning',
});

/**
 * Builds into a fresh folder and swaps it in: a `hyperp` started from the old bundle keeps
 * finding its chunks until the rename, and no chunk of an older build is left to be packed.
 */
export const bundle = async () => {
  const next = `${bundleDir}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  try {
    const started = new Date();
    const r = await build(bundleOptions(next));
    writeFileSync(join(next, 'meta.json'), JSON.stringify(r.metafile));
    // Dated when the build read the sources: a source saved while it ran is newer, so stale.
    utimesSync(join(next, 'meta.json'), started, started);
    const old = `${bundleDir}.old-${process.pid}`;
    try {
      renameSync(bundleDir, old);
    } catch {
      // no earlier bundle
    }
    renameSync(next, bundleDir);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(next, { recursive: true, force: true });
  }
};

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
