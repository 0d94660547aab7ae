// docs/embedding.md cannot rot: every ```ts block is written out as a module beside the core
// package, type-checked with tsc under the repository's strict settings against @hyperp/core and
// @hyperp/core/sim, and every complete block (one that declares nothing it does not define) is
// run; the first run must end SUCCEEDED. The events and commands blocks must name every tag.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { format } from 'node:util';
import { commandResults } from '../../src/run/commands.js';

const core = new URL('../..', import.meta.url).pathname;
const doc = readFileSync(new URL('../../../../docs/embedding.md', import.meta.url), 'utf8');
const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const complete = (code: string): boolean => !/^declare /m.test(code);

// Inside packages/core, so `@hyperp/core` resolves to this package (its own name) as it does for an installed one.
const dir = mkdtempSync(join(core, '.docs-check-'));
const files = blocks.map((code, i) => {
  const file = join(dir, `block-${i + 1}.ts`);
  // Each block is a module of its own (top-level await, names not shared between blocks).
  writeFileSync(file, `${code}\nexport {};\n`);
  return file;
});

test('the page has its blocks: a first run, events, commands, rerun, views, the simulator and the harness', () => {
  assert.ok(blocks.length >= 7, `${blocks.length} blocks`);
  assert.ok(blocks.filter(complete).length >= 4);
});

test('every TypeScript block type-checks against the package', () => {
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    extends: '../../../tsconfig.base.json',
    compilerOptions: { noEmit: true, composite: false, declaration: false, declarationMap: false, types: ['node'] },
    include: ['*.ts'],
  }));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  const out = r.stdout.replaceAll(`${dir}/`, '');
  assert.is(r.status, 0, out);
});

test('every complete block runs; the first run ends SUCCEEDED', async () => {
  const logged: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void logged.push(format(...args));
  try {
    for (const [i, file] of files.entries()) if (complete(blocks[i]!)) await import(file);
  } finally {
    console.log = log;
  }
  assert.ok(logged.includes('run run-1 SUCCEEDED'), logged.join('\n'));
  assert.ok(logged.some((l) => /^SUCCEEDED \d+ \d+ 1 \[\]$/.test(l)), logged.join('\n')); // simulate
  assert.ok(logged.some((l) => /^SUCCEEDED [1-9]\d* 1 \[\]$/.test(l)), logged.join('\n')); // simulateLoop, restarted
});

test('the events and commands blocks show every event and command the reducer has', () => {
  const tags = (code: string) => new Set([...code.matchAll(/_tag: '(\w+)'/g)].map((m) => m[1]!));
  const events = blocks.find((b) => b.includes('const events: RunEvent[]'))!;
  const commands = blocks.find((b) => b.includes('const commands: Command[]'))!;
  const eventTags = [...new Set(Object.values(commandResults).flat()), 'CancelRequested', 'CommandFailed', 'Tick'];
  assert.equal(eventTags.filter((t) => !tags(events).has(t)), []);
  assert.equal(Object.keys(commandResults).filter((t) => !tags(commands).has(t)), []);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
