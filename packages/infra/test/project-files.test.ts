// What the Pulumi CLI reads besides the code: Pulumi.yaml and the policy pack's files, and
// whether Node, started the way Pulumi.yaml says, loads the program.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const infra = new URL('..', import.meta.url).pathname;
const run = promisify(execFile);

test('Pulumi.yaml runs src/program.ts as JavaScript with tsx loaded', () => {
  const yaml = readFileSync(join(infra, 'Pulumi.yaml'), 'utf8');
  const lines = yaml.split('\n').filter((l) => !l.trimStart().startsWith('#') && l.trim() !== '');
  assert.equal(lines, [
    'name: hyperp',
    'description: hyperp, the GitOps workflow platform on ECS Fargate, in one AWS account and region',
    'runtime:',
    '  name: nodejs',
    '  options:',
    '    typescript: false',
    '    nodeargs: --import tsx',
    'main: src/program.ts',
  ]);
  assert.ok(existsSync(join(infra, 'src/program.ts')));
  // Node resolves `--import tsx` from the working directory Pulumi runs the program in.
  assert.ok(createRequire(join(infra, 'Pulumi.yaml')).resolve('tsx'));
});

test('node --import tsx, from packages/infra, loads the program up to its first config read', async () => {
  const main = join(infra, 'src/program.ts');
  const result = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `await import(${JSON.stringify(main)})`], {
    cwd: infra,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
  }).then(
    () => ({ ok: true, stderr: '' }),
    (e: { stderr: string }) => ({ ok: false, stderr: e.stderr }),
  );
  // Without the Pulumi engine there is no stack config: the first `config.require` stops it,
  // which shows every module of the program loaded.
  assert.is(result.ok, false);
  assert.match(result.stderr, "Missing required configuration variable 'project:githubAppId'");
});

test('the policy pack: its entry loads the TypeScript policies through tsx', () => {
  const pack = join(infra, 'policy-pack');
  assert.match(readFileSync(join(pack, 'PulumiPolicy.yaml'), 'utf8'), /runtime:\n  name: nodejs\n  options:\n    typescript: false\n/);
  assert.is(JSON.parse(readFileSync(join(pack, 'package.json'), 'utf8')).main, 'index.cjs');
  assert.match(readFileSync(join(pack, 'index.cjs'), 'utf8'), "require('tsx/cjs/api').require('../src/policy/pack.ts', __filename);");
  const entry = join(pack, 'index.cjs');
  const tsx = createRequire(entry)('tsx/cjs/api') as { require: (id: string, from: string) => { policies: { name: string }[] } };
  assert.equal(
    tsx.require('../src/policy/policies.ts', entry).policies.map((p) => p.name),
    ['no-wildcard-table-actions', 'no-public-bucket', 'artifacts-file-system-closed', 'no-unencrypted-storage', 'function-log-retention', 'job-task-role-no-control-plane', 'job-task-role-denies-repository-secrets', 'secrets-key-rotates', 'job-task-role-denies-secrets-key', 'build-roles-hold-no-credentials'],
  );
});

test.run();
