// The public API of @hyperp/core is what the reviewed reports in packages/core/etc say: a change
// to it is deliberate (`pnpm api:update`, then review the report's diff). Declarations are
// emitted once, from src, and both checks below read them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiReport, emitDeclarations } from '../scripts/api-report.js';

const declarations = emitDeclarations();
const etc = new URL('../etc', import.meta.url).pathname;

test('the public API matches the reviewed reports in packages/core/etc (to record a deliberate change: pnpm api:update)', () => {
  const lines: string[] = [];
  const r = apiReport({ declarations, log: (l) => lines.push(l) });
  assert.ok(r.ok, lines.join('\n'));
  assert.equal(r.results.map((x) => x.entry), ['@hyperp/core', '@hyperp/core/sim']);
});

test('the check fails, naming the entry point and the update command, when a report differs from the API', () => {
  const copy = mkdtempSync(join(tmpdir(), 'hyperp-core-etc-'));
  try {
    cpSync(etc, copy, { recursive: true });
    const report = join(copy, 'core.api.md');
    writeFileSync(report, readFileSync(report, 'utf8').replace(/^export const reduce: .*$/m, 'export const reduce: () => void;'));
    const lines: string[] = [];
    const r = apiReport({ declarations, reportFolder: copy, log: (l) => lines.push(l) });
    assert.equal(r.results.map((x) => [x.entry, x.ok]), [['@hyperp/core', false], ['@hyperp/core/sim', true]]);
    assert.ok(lines.some((l) => l.includes('@hyperp/core: its public API differs from packages/core/etc/core.api.md') && l.includes('pnpm api:update')), lines.join('\n'));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('no public signature names fp-ts or io-ts: a consumer reads Results and types without them', () => {
  for (const report of ['core.api.md', 'core-sim.api.md']) {
    const text = readFileSync(join(etc, report), 'utf8');
    assert.equal(text.split('\n').filter((l) => /fp-ts|io-ts|\bE\.Either\b|\bt\.Type\b/.test(l)), [], report);
  }
});

test.after(() => rmSync(declarations, { recursive: true, force: true }));
test.run();
