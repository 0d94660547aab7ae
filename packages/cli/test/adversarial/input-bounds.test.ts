// Inputs that crashed or ballooned hyperp: a task definition nested thousands deep passed
// `validate` and then crashed `hyperp run` in the event-log writer, leaving an empty run
// folder; a 50 MB workflow file took 1.9 GB to validate. What validate accepts, run runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hyperp } from '../run-cli.js';
import { makeRepo } from '../local/repo.js';

const root = new URL('../../../../', import.meta.url).pathname;
const runs = (repo: string): string[] => (existsSync(join(repo, '.hyperp', 'runs')) ? readdirSync(join(repo, '.hyperp', 'runs')) : []);

test('a task definition nested 6,000 deep: validate says where, run refuses the same way and leaves no run folder', async () => {
  const repo = makeRepo([{ name: 'a', script: 'print(1)\n' }]);
  writeFileSync(join(repo, 'job0/taskdef.json'), `{"cpu": "256", "memory": "512",\n "containerDefinitions": [{"name": "main", "dockerfilePath": "job0/Dockerfile", "dockerLabels": {"x": ${'['.repeat(6000)}${']'.repeat(6000)}}}]}\n`);
  const message = 'values are nested more than 32 levels deep here; hyperp reads task definitions nested at most 32 levels (real ones use fewer than 10)';
  const v = await hyperp(['validate'], { cwd: repo });
  assert.equal([v.code, v.stdout], [1, `job0/taskdef.json:2:131 error ${message}\n1 error, 0 warnings\n`]);
  const r = await hyperp(['run', '--engine', 'process'], { cwd: repo });
  assert.equal([r.code, r.stderr], [1, `error: the workflows have errors (hyperp validate shows them all):\n  job0/taskdef.json:2:131 error ${message}\n`]);
  assert.equal(runs(repo), []);
});

test('a 50 MB workflow file is refused by its size, in a process held to 256 MB of heap', async () => {
  const repo = makeRepo([{ name: 'a', script: 'print(1)\n' }]);
  writeFileSync(join(repo, 'hyperp-workflows/big.yaml'), `workflowName: big\nworkflowDescription: ${'x'.repeat(50 * 1024 * 1024)}\njobs:\n  - jobName: a\n    taskDefinitionPath: job0/taskdef.json\n`);
  const child = spawn(process.execPath, ['--max-old-space-size=256', '--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts', 'validate', '--repo', repo], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, INIT_CWD: repo },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  assert.equal([code, out, err], [1, 'hyperp-workflows/big.yaml error the workflow file is 50.0 MiB; hyperp reads workflow files of at most 256.0 KiB\n1 error, 0 warnings; valid: test (1 job)\n', '']);
});

test.run();
