// docs/cli.md against the program: every option a local command's synopsis shows exists, every
// option of the command is documented (remote-only ones in the remote section), and the JSON
// shapes written out there are the ones the commands print.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { appendLog, eventsFile, localLayout, ensureLayout } from '@hyperp/adapters-local';
import { simulate, syntheticRunRequested } from '@hyperp/core/sim';
import { loadAllCommands } from '../../src/commands/index.js';
import { hyperp } from '../run-cli.js';

const doc = readFileSync(new URL('../../../../docs/cli.md', import.meta.url), 'utf8');

const program = new Command('hyperp');
for (const register of await loadAllCommands()) register(program, () => undefined);

const sub = (path: readonly string[]): Command => {
  let c: Command = program;
  for (const name of path) {
    const next = c.commands.find((x) => x.name() === name);
    assert.ok(next, `no command ${path.join(' ')}`);
    c = next;
  }
  return c;
};

/** Synopsis lines of a command in the doc's code blocks: `hyperp <path> …` and their indented continuations. */
const synopsis = (path: readonly string[], argument?: string): string => {
  const head = `hyperp ${path.join(' ')}${argument ? ` ${argument}` : ''} `;
  const lines = doc.split('\n');
  const at = lines.findIndex((l) => l.startsWith(head) || l === head.trimEnd());
  assert.ok(at >= 0, `docs/cli.md has no synopsis "${head.trim()}"`);
  const out = [lines[at]!];
  for (const l of lines.slice(at + 1)) {
    if (!/^\s{2,}\[/.test(l)) break;
    out.push(l);
  }
  return out.join(' ');
};

/** Options only the remote mode uses; the doc's remote section lists them. */
const remoteOnly = (o: { long?: string | undefined; description: string }): boolean =>
  o.description.startsWith('remote:') || ['--api', '--region', '--local', '--remote'].includes(o.long ?? '');

const local: readonly { path: string[]; argument?: string; docPath?: string[] }[] = [
  { path: ['init'], argument: '[DIR]' },
  { path: ['doctor'] },
  { path: ['run'] },
  { path: ['runs', 'list'] },
  { path: ['runs', 'show'], argument: 'RUN' },
  { path: ['logs'], argument: 'RUN JOB' },
  { path: ['artifacts', 'download'], argument: 'RUN JOB' },
  { path: ['artifacts', 'list'], argument: 'RUN' },
  { path: ['cancel'], argument: 'RUN' },
  { path: ['resume'], argument: 'RUN' },
  { path: ['rerun'], argument: 'RUN' },
  { path: ['cost', 'run'], docPath: ['cost'], argument: 'RUN' },
  { path: ['ui'] },
];

const Options = suite('docs/cli.md: options of the local commands');

for (const c of local) {
  Options(`hyperp ${c.path.join(' ')}`, () => {
    const text = synopsis(c.docPath ?? c.path, c.argument);
    const documented = [...new Set(text.match(/(?<![\w-])--?[a-z][a-z-]*/g) ?? [])].sort();
    const cmd = sub(c.path);
    const flags = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
    assert.equal(documented.filter((d) => !flags.includes(d)), [], `documented for hyperp ${c.path.join(' ')} but not an option`);
    const undocumented = cmd.options.filter((o) => !remoteOnly(o)).flatMap((o) => (o.long !== undefined && !documented.includes(o.long) ? [o.long] : []));
    assert.equal(undocumented, [], `options of hyperp ${c.path.join(' ')} missing from its synopsis`);
  });
}

/** The quoted names of a JSON shape as the doc writes it (`{"runs": [{"runId", …}]}`), in order. */
const shapeAfter = (marker: string): string[] => {
  const from = doc.indexOf(marker);
  assert.ok(from >= 0, `no "${marker}" in docs/cli.md`);
  const rest = doc.slice(from + marker.length);
  const open = rest.indexOf('{');
  let depth = 0;
  let end = open;
  for (; end < rest.length; end++) {
    if (rest[end] === '{') depth++;
    if (rest[end] === '}' && --depth === 0) break;
  }
  return [...rest.slice(open, end + 1).matchAll(/"([A-Za-z]+)"/g)].map((m) => m[1]!);
};

/** The keys of a printed value, depth first, the first element of each array standing for all. */
const keysOf = (v: unknown): string[] => {
  if (Array.isArray(v)) return v.length > 0 ? keysOf(v[0]) : [];
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => [k, ...(typeof x === 'object' && x !== null ? keysOf(x) : [])]);
};

const Shapes = suite('docs/cli.md: JSON shapes');

Shapes('run --json, runs list --json and cost RUN --json print what the doc writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-doc-'));
  try {
    const layout = localLayout(dir);
    ensureLayout(layout);
    const request = syntheticRunRequested({ name: 'doc', jobs: [{ name: 'a', concurrency: 2, downloadable: true }, { name: 'b', dependsOn: ['a'] }] }, { runId: 'r1', at: Date.UTC(2026, 10, 22) });
    const sim = simulate({ seed: 1, request, model: { startLatencyMs: 1000, buildMs: () => 5000, task: () => ({ durationMs: 9000, exitCode: 0 }) }, recordHistory: true });
    assert.is(sim.state.status, 'SUCCEEDED');
    await appendLog(eventsFile(layout, 'r1'), sim.history);
    const json = async (args: string[]) => JSON.parse((await hyperp([...args, '--repo', dir, '--json'])).stdout) as unknown;
    // `runs show --json` is "one element of `runs` in `hyperp run --json`"
    assert.equal(['runs', ...keysOf(await json(['runs', 'show', 'r1']))], shapeAfter('`--json` prints only JSON on stdout:'));
    assert.equal(keysOf(await json(['runs', 'list'])), shapeAfter('when asked); `--json` prints'));
    assert.equal(keysOf(await json(['cost', 'r1'])), shapeAfter('far. `--json` prints'));
    assert.equal(keysOf(await json(['artifacts', 'list', 'r1'])), shapeAfter('to download and why. `--json` prints'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Options.run();
Shapes.run();
