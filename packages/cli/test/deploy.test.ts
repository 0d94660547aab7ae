// `hyperp deploy` without the Pulumi CLI (as on this machine), and how it finds one.
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseConfigPairs } from '../src/commands/deploy.js';
import { PULUMI_MISSING, findPulumi } from '../src/deploy/pulumi-binary.js';
import { hasPulumiSdk, pulumiSdkMissing } from '../src/deploy/pulumi-sdk.js';
import { hyperp } from './run-cli.js';

const emptyHome = await mkdtemp(join(tmpdir(), 'hyperp-home-'));
const noPulumi = { PATH: '/nonexistent-bin', HOME: emptyHome };

test('without the pulumi binary, deploy fails at once with exit 1 and says what to do', async () => {
  const r = await hyperp(['deploy', '--stack', 'prod'], { env: noPulumi });
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.is(r.stderr, `error: ${PULUMI_MISSING}\n`);
  assert.match(PULUMI_MISSING, 'https://www.pulumi.com/docs/iac/download-install/');
});

test('the real PATH of this machine has no pulumi either (the Pulumi CLI cannot be installed here)', async () => {
  const r = await hyperp(['deploy', '--preview'], { env: { PATH: process.env['PATH'], HOME: emptyHome } });
  assert.is(r.code, 1);
  assert.is(r.stderr, `error: ${PULUMI_MISSING}\n`);
});

test('usage errors come before the binary check', async () => {
  const bad = await hyperp(['deploy', '--config', 'githubAppId'], { env: noPulumi });
  assert.is(bad.code, 2);
  assert.is(bad.stderr, 'error: --config takes key=value, got "githubAppId"\n');
  const stack = await hyperp(['deploy', '--stack', 'no spaces'], { env: noPulumi });
  assert.is(stack.code, 2);
  assert.is(stack.stderr, 'error: --stack must be a stack name such as "prod" or "org/hyperp/prod", got "no spaces"\n');
});

test('Pulumi\'s SDK is an optional peer: found by resolving it, and when missing, deploy names the package and version to install', () => {
  assert.ok(hasPulumiSdk());
  assert.not.ok(hasPulumiSdk(() => {
    throw Object.assign(new Error("Cannot find package '@pulumi/pulumi'"), { code: 'ERR_MODULE_NOT_FOUND' });
  }));
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
  assert.equal([pkg['dependencies']?.['@pulumi/pulumi'], pkg['peerDependenciesMeta']?.['@pulumi/pulumi']], [undefined, { optional: true }]);
  assert.match(pulumiSdkMissing(), `npm install @pulumi/pulumi@${String(pkg['peerDependencies']?.['@pulumi/pulumi'])} `);
});

test('config pairs: bare keys are hyperp\'s, namespaced keys stay, values may hold =', () => {
  assert.equal(parseConfigPairs(['githubAppId=123', 'aws:region=eu-west-1', 'tags={"a":"b=c"}']), [
    ['hyperp:githubAppId', '123'],
    ['aws:region', 'eu-west-1'],
    ['hyperp:tags', '{"a":"b=c"}'],
  ]);
});

test('findPulumi takes the first executable pulumi on PATH, skipping plain files, then ~/.pulumi/bin', async () => {
  const base = await mkdtemp(join(tmpdir(), 'hyperp-path-'));
  const [plain, exec, home] = [join(base, 'plain'), join(base, 'exec'), join(base, 'home')];
  for (const d of [plain, exec, join(home, '.pulumi', 'bin')]) await mkdir(d, { recursive: true });
  await writeFile(join(plain, 'pulumi'), 'not executable');
  await writeFile(join(exec, 'pulumi'), '#!/bin/sh\n');
  await chmod(join(exec, 'pulumi'), 0o755);
  await writeFile(join(home, '.pulumi', 'bin', 'pulumi'), '#!/bin/sh\n');
  await chmod(join(home, '.pulumi', 'bin', 'pulumi'), 0o755);
  assert.is(findPulumi({ PATH: [plain, exec].join(':'), HOME: home }, 'linux'), join(exec, 'pulumi'));
  assert.is(findPulumi({ PATH: plain, HOME: home }, 'linux'), join(home, '.pulumi', 'bin', 'pulumi'));
  assert.is(findPulumi({ PATH: plain, HOME: emptyHome }, 'linux'), undefined);
  assert.is(findPulumi({}, 'linux'), undefined);
});

test('with a pulumi binary, deploy drives it through the Automation API and reports its failure with exit 1', async () => {
  const root = await mkdtemp(join(tmpdir(), 'hyperp-fake-pulumi-'));
  await mkdir(join(root, 'bin'));
  const log = join(root, 'calls.log');
  // A stand-in CLI: answers `version` like Pulumi 3.247.0, records and refuses everything else.
  await writeFile(
    join(root, 'bin', 'pulumi'),
    `#!/bin/sh\necho "$@" >> '${log}'\nif [ "$1" = "version" ]; then echo v3.247.0; exit 0; fi\necho "error: this stand-in has no backend" >&2\nexit 255\n`,
  );
  await chmod(join(root, 'bin', 'pulumi'), 0o755);
  const infraDir = new URL('../../infra', import.meta.url).pathname;
  const r = await hyperp(['deploy', '--stack', 'prod', '--preview', '--dir', infraDir], { env: { PATH: `${join(root, 'bin')}:/usr/bin:/bin`, HOME: emptyHome } });
  assert.is(r.code, 1);
  const lines = r.stderr.split('\n');
  assert.is(lines[0], `previewing ${infraDir} on stack prod with ${join(root, 'bin', 'pulumi')}`);
  assert.is(lines[1], 'error: pulumi preview failed on stack prod:');
  assert.match(r.stderr, 'error: this stand-in has no backend');
  const { readFile } = await import('node:fs/promises');
  const calls = (await readFile(log, 'utf8')).trim().split('\n');
  assert.is(calls[0], 'version');
  assert.ok(calls.length >= 2, calls.join(' | '));
});

test('with a working pulumi, deploy selects the stack, sets --config, runs up and prints the outputs, the next steps last', async () => {
  const root = await mkdtemp(join(tmpdir(), 'hyperp-fake-pulumi-'));
  await mkdir(join(root, 'bin'));
  const log = join(root, 'calls.log');
  // A stand-in CLI answering what the Automation API asks, as Pulumi 3.247 would.
  const outputs = JSON.stringify({ webhookUrl: 'https://w.example/', apiUrl: 'https://a.example/', nextSteps: 'step 1\nstep 2\n' });
  const history = JSON.stringify([{ version: 1, kind: 'update', result: 'succeeded', message: '', environment: {}, config: {}, startTime: '2026-11-22T08:00:00Z', endTime: '2026-11-22T08:05:00Z' }]);
  await writeFile(
    join(root, 'bin', 'pulumi'),
    [
      '#!/bin/sh',
      `echo "$@" >> '${log}'`,
      'case "$1 $2" in',
      '  "version "*) echo v3.247.0 ;;',
      '  "up "*) echo "Updating (prod):" ; echo "Resources: 120 created" ;;',
      `  "stack output") printf '%s\\n' '${outputs}' ;;`,
      `  "stack history") printf '%s\\n' '${history}' ;;`,
      'esac',
      'exit 0',
      '',
    ].join('\n'),
  );
  await chmod(join(root, 'bin', 'pulumi'), 0o755);
  const infraDir = new URL('../../infra', import.meta.url).pathname;
  const r = await hyperp(['deploy', '--stack', 'prod', '--config', 'githubAppId=1234567', '--config', 'aws:region=eu-west-1', '--dir', infraDir], {
    env: { PATH: `${join(root, 'bin')}:/usr/bin:/bin`, HOME: emptyHome },
  });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, `deploying ${infraDir} on stack prod with ${join(root, 'bin', 'pulumi')}\n`);
  assert.is(
    r.stdout,
    'Updating (prod):\nResources: 120 created\n\noutputs:\n  webhookUrl: https://w.example/\n  apiUrl: https://a.example/\n\nstep 1\nstep 2\n',
  );
  const { readFile } = await import('node:fs/promises');
  const calls = (await readFile(log, 'utf8')).trim().split('\n');
  assert.equal(
    calls.filter((c) => /^(stack select|config set|up) /.test(c)),
    [
      'stack select --stack prod --non-interactive',
      'config set hyperp:githubAppId --stack prod --plaintext --non-interactive -- 1234567',
      'config set aws:region --stack prod --plaintext --non-interactive -- eu-west-1',
      'up --yes --skip-preview --exec-kind auto.local --stack prod --non-interactive',
    ],
  );
});

test('deploy is listed in help', async () => {
  const r = await hyperp(['deploy', '--help']);
  assert.is(r.code, 0);
  assert.match(r.stdout, '--stack <name>');
  assert.match(r.stdout, '--preview');
});

test.run();
