// A deployment's delivery of declared secrets: the stepper reads each value once per run from
// Secrets Manager (exact inputs, AWS's error names), the efs function writes them as 0400 files
// in the job's 0700 folder and removes them as the run ends, and the job's secrets folder is
// mounted through an access point of the files' owner. No value reaches an event or a log line.
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DeregisterTaskDefinitions, EnsureDirectories } from '@hyperp/core';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config.js';
import { hyperpVolumeAccess } from '../src/efs/access-points.js';
import { realFolderOf } from '../src/efs/folders.js';
import { efsHandler, type EfsRequest } from '../src/handlers/efs.js';
import type { InterpreterDeps } from '../src/interpret/deps.js';
import { interpreter } from '../src/interpret/interpreter.js';
import type { RunMeta } from '../src/run/meta.js';
import { awsError } from './support/aws-faults.js';
import { testEnv } from './support/env.js';

const config = loadConfig(testEnv);
const sm = mockClient(SecretsManagerClient);
const lambda = mockClient(LambdaClient);
const NOW = 1_800_000_000_000;
const VALUE = 's3cr3t-db-pa55';
const logged: string[] = [];
const meta: RunMeta = { runId: 'r1', repo: 'Acme/Calc', installationId: 77, branch: 'main', commit: 'c'.repeat(40), workflow: 'calculator', trigger: 'push' };
const deps = (): InterpreterDeps => ({
  config, ecs: { send: async () => assert.unreachable('ECS was called') } as never, lambda: new LambdaClient({ region: 'us-east-1' }),
  secrets: new SecretsManagerClient({ region: 'us-east-1' }),
  images: {} as never, github: () => assert.unreachable('GitHub was called') as never, contexts: {} as never,
  wakeups: async () => undefined, now: () => NOW, log: (m, d) => void logged.push(`${m} ${JSON.stringify(d ?? {})}`),
});
const folder = 'c/r1/w/secrets/0123456789abcdef';
const ensure: EnsureDirectories = {
  _tag: 'EnsureDirectories', runId: 'r1', paths: ['c/r1/w/j', folder],
  secrets: [{ path: `${folder}/db_password`, name: 'db_password' }, { path: `${folder}/api-key`, name: 'api-key' }],
};
const payloadOf = (i: number): EfsRequest => JSON.parse(new TextDecoder().decode(lambda.commandCalls(InvokeCommand)[i]!.args[0].input.Payload as Uint8Array));

const s = suite('secret delivery on a deployment');
s.before.each(() => {
  sm.reset();
  lambda.reset();
});
s.after(() => {
  sm.restore();
  lambda.restore();
  assert.not.ok(logged.some((l) => l.includes(VALUE)), 'a value in a log line');
});

s('the stepper reads each declared secret of the run\'s repository and hands the values to the efs function only', async () => {
  sm.on(GetSecretValueCommand, { SecretId: `${config.familyPrefix}/acme/calc/db_password` }).resolves({ Name: 'x', SecretString: VALUE })
    .on(GetSecretValueCommand, { SecretId: `${config.familyPrefix}/acme/calc/api-key` }).resolves({ Name: 'y', SecretString: 'key-1' });
  lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: new TextEncoder().encode('{"op":"mkdirs","created":2}') as never });
  const events = await interpreter(deps())(ensure, meta);
  assert.equal(events, [{ _tag: 'DirectoriesEnsured', at: NOW }]);
  assert.equal(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input), [
    { SecretId: `${config.familyPrefix}/acme/calc/db_password` }, { SecretId: `${config.familyPrefix}/acme/calc/api-key` },
  ]);
  assert.equal(payloadOf(0), {
    op: 'mkdirs', runId: 'r1', paths: ['c/r1/w/j', folder],
    secrets: [{ path: `${folder}/db_password`, text: VALUE }, { path: `${folder}/api-key`, text: 'key-1' }],
  });
  assert.equal(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.InvocationType, 'RequestResponse');
});

s('a secret the repository does not have fails the run\'s start for good, saying how to set it; throttling is sent again', async () => {
  sm.on(GetSecretValueCommand).rejects(awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400));
  assert.equal(await interpreter(deps())(ensure, meta), [{
    _tag: 'CommandFailed', at: NOW, command: ensure, failure: 'permanent',
    reason: 'secret db_password of Acme/Calc is not set on this deployment (ResourceNotFoundException): hyperp secrets set --repo Acme/Calc db_password',
  }]);
  sm.on(GetSecretValueCommand).rejects(awsError('ThrottlingException', 'Rate exceeded', 400));
  const [failed] = await interpreter(deps())(ensure, meta);
  assert.equal([failed?._tag, (failed as { failure?: string }).failure], ['CommandFailed', 'retryable']);
  assert.is(lambda.commandCalls(InvokeCommand).length, 0);
});

s('the efs function writes 0400 files in a 0700 folder, never through a link the job placed, and removes them as the run ends', async () => {
  const root = mkdtempSync(join(tmpdir(), 'hyperp-secrets-efs-'));
  try {
    const efs = efsHandler({ root, s3: {} as never, events: { append: async () => 'appended' }, now: () => NOW });
    const request: EfsRequest = { op: 'mkdirs', runId: 'r1', paths: ['c/r1/w/j', folder], secrets: [{ path: `${folder}/db_password`, text: VALUE }] };
    assert.equal(await efs(request), { op: 'mkdirs', created: 2 });
    const real = join(root, realFolderOf(folder));
    assert.equal([statSync(real).mode & 0o777, statSync(join(real, 'db_password')).mode & 0o777], [0o700, 0o400]);
    assert.is(readFileSync(join(root, folder, 'db_password'), 'utf8'), VALUE);
    assert.is(statSync(join(root, realFolderOf('c/r1/w/j'))).mode & 0o777, 0o755);
    // The job replaces its file with a link to elsewhere; the next write replaces the link, and the target is untouched.
    writeFileSync(join(root, 'elsewhere'), 'untouched');
    rmSync(join(real, 'db_password'), { force: true });
    symlinkSync(join(root, 'elsewhere'), join(real, 'db_password'));
    await efs(request);
    assert.equal([lstatSync(join(real, 'db_password')).isFile(), readFileSync(join(root, 'elsewhere'), 'utf8')], [true, 'untouched']);
    assert.equal(await efs({ op: 'rmdirs', runId: 'r1', paths: [folder] }), { op: 'rmdirs', removed: 1 });
    assert.equal([existsSync(real), existsSync(join(root, folder)), existsSync(join(root, realFolderOf('c/r1/w/j')))], [false, false, true]);
    assert.equal(await efs({ op: 'rmdirs', runId: 'r1', paths: [folder] }), { op: 'rmdirs', removed: 1 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

s('as the run ends the stepper has the efs function remove the secrets folders, and fails the command until it has', async () => {
  const end: DeregisterTaskDefinitions = { _tag: 'DeregisterTaskDefinitions', runId: 'r1', taskDefinitionArns: [], secretFolders: [folder] };
  lambda.on(InvokeCommand)
    .resolvesOnce({ StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode('{"errorType":"Error","errorMessage":"EIO"}') as never })
    .resolves({ StatusCode: 200, Payload: new TextEncoder().encode('{"op":"rmdirs","removed":1}') as never });
  const [failed] = await interpreter(deps())(end, meta);
  assert.is(failed?._tag, 'CommandFailed');
  assert.equal(await interpreter(deps())(end, meta), []);
  assert.equal(payloadOf(1), { op: 'rmdirs', runId: 'r1', paths: [folder] });
});

s('a job mounts its secrets folder read-only through an access point of the files\' owner; /input folders through the readers\'', () => {
  const root = config.efsRootDirectory;
  const volume = (name: string, path: string) => ({ name, efsVolumeConfiguration: { fileSystemId: 'fs-1', rootDirectory: `${root}/${path}` } });
  const access = hyperpVolumeAccess({
    volumes: [volume('hyperp-secrets', folder), volume('hyperp-input-abc', 'c/r1/w/dep')],
    containerDefinitions: [{ name: 'main', mountPoints: [
      { sourceVolume: 'hyperp-secrets', containerPath: '/run/secrets', readOnly: true },
      { sourceVolume: 'hyperp-input-abc', containerPath: '/input/dep', readOnly: true },
    ] }],
  }, config);
  assert.equal(access, [
    { volume: 'hyperp-secrets', layoutPath: folder, mode: 'write' },
    { volume: 'hyperp-input-abc', layoutPath: 'c/r1/w/dep', mode: 'read' },
  ]);
});

s.run();
