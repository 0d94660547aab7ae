// hyperp validate --remote: the workflows' declared secrets against the repository's secrets on
// the deployment (listed through the API behind the SigV4-checking Function URL stand-in, with
// Secrets Manager answering as AWS does), each missing one at the YAML line that asks for it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { awsError } from '../../../adapters-aws/test/support/aws-faults.js';
import { hyperp } from '../run-cli.js';
import type { FunctionUrl } from './function-url.js';
import { secretsConfig as config, startSecretsApi } from './secrets-api.js';

process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete process.env[k];

const sm = mockClient(SecretsManagerClient);
const ada = { accessKeyId: 'AKIAADA0000000000001', secretAccessKey: 'ada-secret-key', userArn: 'arn:aws:iam::123456789012:user/ada' };
let fn: FunctionUrl;
let work: string;
let env: Record<string, string>;

const WORKFLOW = [
  'workflowName: report',                   // 1
  'secrets: [db_password]',                 // 2
  'jobs:',                                  // 3
  '  - jobName: build',                     // 4
  '    taskDefinitionPath: td.json',        // 5
  '    secrets:',                           // 6
  '      - api-key',                        // 7
  '      - name: token',                    // 8
  '        env: TOKEN',                     // 9
  '',
].join('\n');

const listed = (...names: string[]) =>
  sm.on(ListSecretsCommand).resolves({ SecretList: names.map((n) => ({ Name: `${config.familyPrefix}/acme/calc/${n}`, CreatedDate: new Date('2026-11-02T10:00:00Z') })) });

const cli = (args: string[], extra: Record<string, string | undefined> = {}) => hyperp(args, { cwd: work, env: { ...env, ...extra } });

const v = suite('hyperp validate --remote');
v.before(async () => {
  fn = await startSecretsApi([ada]);
  work = mkdtempSync(join(tmpdir(), 'hyperp-validate-remote-'));
  mkdirSync(join(work, 'hyperp-workflows'));
  writeFileSync(join(work, 'hyperp-workflows', 'report.yaml'), WORKFLOW);
  writeFileSync(join(work, 'td.json'), '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "a", "image": "busybox"}]}');
  execFileSync('git', ['init', '-q', '-b', 'main', work]);
  execFileSync('git', ['-C', work, 'remote', 'add', 'origin', 'git@github.com:acme/calc.git']);
  env = { HYPERP_API_URL: fn.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: ada.accessKeyId, AWS_SECRET_ACCESS_KEY: ada.secretAccessKey };
});
v.after(async () => {
  sm.restore();
  await fn.stop();
  rmSync(work, { recursive: true, force: true });
});
v.before.each(() => {
  sm.reset();
  fn.served.length = 0;
});

v('each declared secret the deployment lacks is an error at its line, with the command that sets it; env: is an error there', async () => {
  listed('api-key');
  assert.equal(await cli(['validate', '--remote']), {
    code: 1, stderr: '',
    stdout: [
      'hyperp-workflows/report.yaml:2:11 error secret "db_password" of the workflow is not among acme/calc\'s secrets on the deployment: a run there fails at its start; set it with hyperp secrets set --repo acme/calc db_password',
      'hyperp-workflows/report.yaml:8:15 error secret "token" of job "build" is not among acme/calc\'s secrets on the deployment: a run there fails at its start; set it with hyperp secrets set --repo acme/calc token',
      'hyperp-workflows/report.yaml:9:14 error secret "token" of job "build" is asked for as environment variable "TOKEN", which a deployment does not give: its planner does not start this workflow; read /run/secrets/token instead',
      '3 errors, 0 warnings; valid: report (1 job)',
      '',
    ].join('\n'),
  });
  // The repository is the folder's GitHub origin; names only are asked for.
  assert.equal(fn.served, [{ method: 'GET', path: '/secrets?repo=acme%2Fcalc', status: 200 }]);
  assert.equal(sm.commandCalls(ListSecretsCommand).map((c) => c.args[0].input), [{ Filters: [{ Key: 'name', Values: [`${config.familyPrefix}/acme/calc/`] }], MaxResults: 100 }]);
  // As JSON, with each issue's field.
  listed('api-key', 'db_password', 'token');
  const json = await cli(['validate', '--remote', 'acme/calc', '--json']);
  assert.equal([json.code, (JSON.parse(json.stdout) as { issues: unknown[] }).issues], [1, [{
    severity: 'error', file: 'hyperp-workflows/report.yaml', path: 'jobs[0].secrets[1].env', line: 9, column: 14, rule: 'secret-env',
    message: 'secret "token" of job "build" is asked for as environment variable "TOKEN", which a deployment does not give: its planner does not start this workflow; read /run/secrets/token instead',
  }]]);
});

v('without --remote the local sources are checked, as before: a missing value is a warning, env: a warning', async () => {
  const local = await cli(['validate']);
  assert.equal(local.code, 0);
  assert.match(local.stdout, '0 errors, 4 warnings; valid: report (1 job)');
  assert.equal(fn.served, []);
});

v('an API or credentials failure says so as an error, and never passes for the secrets existing', async () => {
  sm.on(ListSecretsCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/hyperp-api/hyperp-api is not authorized to perform: secretsmanager:ListSecrets', 400));
  const denied = await cli(['validate', '--remote', 'acme/calc']);
  assert.equal(denied.code, 1);
  assert.equal(denied.stdout.split('\n')[0], 'hyperp-workflows error the secrets of acme/calc on the deployment could not be listed, so whether the declared ones exist there is unknown: '
    + 'Secrets Manager ListSecrets failed: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/hyperp-api/hyperp-api is not authorized to perform: secretsmanager:ListSecrets: '
    + 'the API function is not allowed this call; the deployment\'s permissions (src/contract/permissions.json) need it (HTTP 502 from the hyperp API)');
  const wrongKey = await cli(['validate', '--remote', 'acme/calc'], { AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.stdout, /^hyperp-workflows error the secrets of acme\/calc on the deployment could not be listed, so whether the declared ones exist there is unknown: The request signature we calculated does not match/);
  assert.match(wrongKey.stdout, '2 errors, 0 warnings');
  assert.equal(await cli(['validate', '--remote', 'acme/calc'], { HYPERP_API_URL: undefined }), {
    code: 1, stdout: '', stderr: 'error: validate --remote needs the deployed API: set HYPERP_API_URL or pass --api URL (docs/cli.md, "Remote mode")\n',
  });
  // A folder whose origin does not say which repository.
  const plain = mkdtempSync(join(tmpdir(), 'hyperp-validate-plain-'));
  try {
    writeFileSync(join(plain, 'x'), '');
    assert.equal(await cli(['validate', '--remote', '--repo', plain]), {
      code: 1, stdout: '', stderr: `error: ${plain} has no git remote "origin" to tell the repository; give the repository as --remote owner/name\n`,
    });
  } finally {
    rmSync(plain, { recursive: true, force: true });
  }
  assert.equal((await cli(['validate', '--remote', 'not a repo'])).stderr, 'error: --remote not a repo: give the repository as owner/name, or nothing for the folder\'s GitHub origin\n');
});

v.run();
