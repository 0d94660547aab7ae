// The calculator fixture's programs really compute: each runs under bubblewrap with the mounts a
// hyperp task sees (/output, read-only /input/<dependency>, /shared/<name>) and TASK_INDEX.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fixture = new URL('../../../../fixtures/calculator/', import.meta.url).pathname;
const python = '/usr/bin/python3';

const taskEnv = (job: string): Record<string, string> => {
  const td = JSON.parse(readFileSync(join(fixture, job, 'taskdef.json'), 'utf8'));
  return Object.fromEntries((td.containerDefinitions[0].environment ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));
};

const runTask = (
  job: string,
  mounts: { output: string; inputs: Record<string, string>; shared: string },
  env: Record<string, string>,
  index: number,
  total: number,
): string => {
  const args = ['--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp'];
  for (const d of ['/bin', '/lib', '/lib64', '/sbin']) args.push('--ro-bind-try', d, d);
  args.push('--ro-bind', join(fixture, job), '/app', '--bind', mounts.output, '/output', '--bind', mounts.shared, '/shared/notes');
  for (const [name, dir] of Object.entries(mounts.inputs)) args.push('--ro-bind', dir, `/input/${name}`);
  args.push('--clearenv', '--setenv', 'TASK_INDEX', String(index), '--setenv', 'TASK_TOTAL_SIZE', String(total));
  for (const [k, v] of Object.entries(env)) args.push('--setenv', k, v);
  args.push('--chdir', '/app', python, 'main.py');
  return execFileSync('bwrap', args, { encoding: 'utf8' });
};

const pipeline = (overrides: Record<string, Record<string, string>>) => {
  const root = mkdtempSync(join(tmpdir(), 'hyperp-calc-'));
  const dir = (n: string) => (mkdirSync(join(root, n)), join(root, n));
  const [gen, mul, div, add, shared] = ['gen', 'mul', 'div', 'add', 'shared'].map(dir) as [string, string, string, string, string];
  const env = (job: string) => ({ ...taskEnv(job), ...overrides[job] });
  try {
    const logs = [runTask('generate_x', { output: gen, inputs: {}, shared }, env('generate_x'), 1, 1)];
    for (const i of [1, 2]) {
      logs.push(runTask('multiply', { output: mul, inputs: { 'Generate x': gen }, shared }, env('multiply'), i, 2));
      logs.push(runTask('divide', { output: div, inputs: { 'Generate x': gen }, shared }, env('divide'), i, 2));
    }
    logs.push(runTask('add', { output: add, inputs: { 'x * y': mul, 'x / z': div }, shared }, env('add'), 1, 1));
    const read = (d: string) => Object.fromEntries(readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f), 'utf8')]));
    return { gen: read(gen), mul: read(mul), div: read(div), add: read(add), shared: read(shared), logs };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
};

test('with the task definitions environment: (6 * 7) + (6 / 3) = 44', () => {
  const r = pipeline({});
  assert.equal(
    { gen: r.gen, mul: r.mul, div: r.div, add: r.add, shared: r.shared },
    {
      gen: { 'result.txt': '6\n' },
      mul: { 'result.txt': '42\n', 'task-1.txt': 'task 1 of 2: 6 * 7 = 42\n', 'task-2.txt': 'task 2 of 2: 6 * 7 = 42\n' },
      div: { 'result.txt': '2\n', 'task-1.txt': 'task 1 of 2: 6 / 3 = 2\n', 'task-2.txt': 'task 2 of 2: 6 / 3 = 2\n' },
      add: { 'result.txt': '44\n' },
      shared: { 'x.txt': '6\n' },
    },
  );
  assert.is(r.logs.at(-1), 'x = 6: (x * y) + (x / z) = 42 + 2 = 44\n');
});

test('other inputs give other results: (10 * 4) + (10 / 4) = 42.5', () => {
  const r = pipeline({ generate_x: { X: '10' }, multiply: { Y: '4' }, divide: { Z: '4' } });
  assert.equal([r.gen['result.txt'], r.mul['result.txt'], r.div['result.txt'], r.add['result.txt'], r.shared['x.txt']], ['10\n', '40\n', '2.5\n', '42.5\n', '10\n']);
});

test.run();
