// The bundled `hyperp` executable starts fast because of its shape: what Node loads before a
// command is chosen is the CLI's dispatch and commander alone, and every package left out of the
// bundle is imported with import() by the command that needs it, from the CLI's dependencies.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { build, type Metafile } from 'esbuild';
import { bundleOptions } from '../scripts/bundle.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
const { metafile } = await build({ ...bundleOptions('/nonexistent/bundle'), write: false, logLevel: 'silent' });
const outputs = (metafile as Metafile).outputs;
const entry = Object.keys(outputs).find((o) => outputs[o]!.entryPoint?.endsWith('src/bin.ts'));

/**
 * The sources of the outputs Node loads with `output`, following static imports only; with
 * `withCode`, only those of which some code is in them (a file tree-shaken to nothing costs nothing).
 */
const staticInputs = (output: string, withCode = false): string[] => {
  const seen = new Set<string>();
  const todo = [output];
  while (todo.length > 0) {
    const o = todo.pop()!;
    if (seen.has(o)) continue;
    seen.add(o);
    for (const i of outputs[o]!.imports) if (i.kind === 'import-statement' && !i.external) todo.push(i.path);
  }
  return [...seen].flatMap((o) => Object.entries(outputs[o]!.inputs).filter(([, i]) => !withCode || i.bytesInOutput > 0).map(([f]) => f));
};

test('before a command is chosen, hyperp loads its own dispatch and commander: no core, runtime or other package', () => {
  assert.ok(entry, 'no output for src/bin.ts');
  const loaded = staticInputs(entry);
  assert.ok(loaded.some((f) => f.endsWith('src/program.ts')));
  const foreign = loaded.filter((f) => !f.startsWith('src/') && !/node_modules\/\.pnpm\/commander@/.test(f));
  assert.equal(foreign, []);
});

test('each package left out of the bundle is imported with import() only, and is a dependency of the CLI or its optional peer (Pulumi, for deploy alone)', () => {
  const external = Object.values(outputs).flatMap((o) => o.imports.filter((i) => i.external && !i.path.startsWith('node:') && i.kind !== 'require-call'));
  assert.ok(external.length > 0);
  for (const i of external) {
    assert.is(i.kind, 'dynamic-import', i.path);
    const name = i.path.split('/').slice(0, i.path.startsWith('@') ? 2 : 1).join('/');
    assert.ok(name in pkg.dependencies || name in pkg.peerDependencies, `${name} is imported by the bundle but not a dependency of @hyperp/cli`);
  }
});

test('runs list and runs show load no engine and no live view: only what reading a run needs', () => {
  const runs = Object.keys(outputs).find((o) => outputs[o]!.entryPoint?.endsWith('src/commands/runs.ts'));
  assert.ok(runs, 'no output for src/commands/runs.ts');
  const loaded = staticInputs(runs);
  assert.ok(loaded.some((f) => f.endsWith('src/commands/runs.ts')));
  const heavy = loaded.filter((f) => /src\/local\/session\.ts$|src\/views\/live-block\.ts$|node_modules\/\.pnpm\/(?:cli-truncate|string-width)@/.test(f));
  assert.equal(heavy, []);
});

test('runs list loads the runs\' summaries and the layout of .hyperp/: no core, no reducer, no runtime, no package but commander', () => {
  const runs = Object.keys(outputs).find((o) => outputs[o]!.entryPoint?.endsWith('src/commands/runs.ts'));
  assert.ok(runs, 'no output for src/commands/runs.ts');
  const loaded = staticInputs(runs, true);
  assert.ok(loaded.some((f) => f.endsWith('src/local/list-runs.ts')));
  const allowed = /^src\/|^\.\.\/adapters-local\/src\/(?:layout|summary|store\/lock|runs\/summary-file)\.ts$/;
  assert.equal(loaded.filter((f) => !allowed.test(f)), []);
});

test.run();
