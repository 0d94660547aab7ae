// hyperp secrets set|list|rm against the API behind the SigV4-checking Function URL stand-in,
// with Secrets Manager answering as AWS does (exact inputs, its own error names).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteSecretCommand,
  ListSecretsCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
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
const VALUE = 'pa55-w0rd-of-the-db\n';
const ID = `${config.familyPrefix}/acme/calc/db_password`;
const printed: string[] = [];
let fn: FunctionUrl;
let work: string;
let env: Record<string, string>;

const cli = async (args: string[], opts: { stdin?: string | null } = {}) => {
  const r = await hyperp(args, { cwd: work, env, ...opts });
  printed.push(r.stdout, r.stderr);
  return r;
};

const s = suite('hyperp secrets (remote)');
s.before(async () => {
  fn = await startSecretsApi([ada]);
  work = mkdtempSync(join(tmpdir(), 'hyperp-secrets-'));
  env = { HYPERP_API_URL: fn.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: ada.accessKeyId, AWS_SECRET_ACCESS_KEY: ada.secretAccessKey };
});
s.after(async () => {
  sm.restore();
  await fn.stop();
  rmSync(work, { recursive: true, force: true });
  // Nothing hyperp printed or put in a URL holds the value.
  assert.not.ok(printed.some((p) => p.includes(VALUE.trim())), `a value was printed: ${printed.filter((p) => p.includes(VALUE.trim())).join(' / ')}`);
  assert.not.ok(fn.served.some((r) => r.path.includes('pa55')), 'a value in a URL');
});
s.before.each(() => {
  sm.reset();
  fn.served.length = 0;
});

s('set reads the value from standard input, as given, and sends it signed in the body only', async () => {
  sm.on(UpdateSecretCommand).resolves({ Name: ID, VersionId: 'v2' });
  assert.equal(await cli(['secrets', 'set', '--repo', 'acme/calc', 'db_password'], { stdin: VALUE }), {
    code: 0, stdout: 'updated secret db_password of acme/calc\n', stderr: '',
  });
  assert.equal(sm.commandCalls(UpdateSecretCommand).map((c) => c.args[0].input), [{ SecretId: ID, SecretString: VALUE, KmsKeyId: config.secretsKeyArn }]);
  assert.equal(fn.served, [{ method: 'PUT', path: '/secrets/acme/calc/db_password', status: 200 }]);
});

s('set --file reads a file; no value, a terminal, an argument or a bad name is refused before the API is asked', async () => {
  sm.on(UpdateSecretCommand).resolves({ Name: ID, VersionId: 'v3' });
  writeFileSync(join(work, 'pw.txt'), VALUE);
  assert.is((await cli(['secrets', 'set', '--repo', 'acme/calc', '--file', 'pw.txt', 'db_password'])).code, 0);
  assert.equal(sm.commandCalls(UpdateSecretCommand)[0]!.args[0].input, { SecretId: ID, SecretString: VALUE, KmsKeyId: config.secretsKeyArn });
  fn.served.length = 0;
  assert.equal(await cli(['secrets', 'set', '--repo', 'acme/calc', 'db_password'], { stdin: '' }), { code: 1, stdout: '', stderr: 'error: the value from standard input is empty\n' });
  // A terminal: what the user types would show.
  assert.equal(await cli(['secrets', 'set', '--repo', 'acme/calc', 'db_password'], { stdin: null }), {
    code: 2, stdout: '',
    stderr: 'error: give the value on standard input (printf %s "$VALUE" | hyperp secrets set …) or with --file PATH; it is not read from a terminal, where it would show\n',
  });
  assert.equal(await cli(['secrets', 'set', '--repo', 'acme/calc', 'db_password', 'pa55-w0rd-of-the-db']), {
    code: 2, stdout: '',
    stderr: 'error: a secret\'s value is never an argument (process listings and shell history keep those): pipe it in, printf %s "$VALUE" | hyperp secrets set NAME, or use --file PATH\n',
  });
  assert.equal(await cli(['secrets', 'set', '--repo', 'acme/calc', '../x'], { stdin: VALUE }), {
    code: 2, stdout: '', stderr: 'error: secret name "../x": use letters, digits, "_" and "-", starting with a letter or "_"\n',
  });
  assert.equal(await cli(['secrets', 'set', '--repo', 'acme/calc', '--file', 'missing', 'db_password']), {
    code: 1, stdout: '', stderr: 'error: --file missing: cannot read it (ENOENT)\n',
  });
  assert.equal(fn.served, []);
});

s('list shows names and dates; rm deletes, and a secret that is not there says so', async () => {
  sm.on(ListSecretsCommand).resolves({
    SecretList: [{ Name: ID, CreatedDate: new Date('2026-11-02T10:00:00Z'), LastChangedDate: new Date('2026-11-20T09:30:00Z') }],
  });
  assert.equal(await cli(['secrets', 'list', '--repo', 'acme/calc']), {
    code: 0, stdout: 'db_password  updated 2026-11-20T09:30:00.000Z  created 2026-11-02T10:00:00.000Z\n', stderr: '',
  });
  assert.equal(fn.served, [{ method: 'GET', path: '/secrets?repo=acme%2Fcalc', status: 200 }]);
  sm.on(DeleteSecretCommand).resolvesOnce({ Name: ID }).rejects(awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400));
  assert.equal(await cli(['secrets', 'rm', '--repo', 'acme/calc', 'db_password']), { code: 0, stdout: 'deleted secret db_password of acme/calc\n', stderr: '' });
  assert.equal(sm.commandCalls(DeleteSecretCommand)[0]!.args[0].input, { SecretId: ID, ForceDeleteWithoutRecovery: true });
  const missing = await cli(['secrets', 'rm', '--repo', 'acme/calc', 'db_password']);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /^error: acme\/calc has no secret db_password \(ResourceNotFoundException.*\(HTTP 404 from the hyperp API\)\n$/);
});

s('without a deployment the commands say how to name one', async () => {
  const r = await hyperp(['secrets', 'list', '--repo', 'acme/calc'], { cwd: work, env: {} });
  assert.equal([r.code, r.stdout], [1, '']);
  assert.match(r.stderr, /hyperp secrets list needs the deployed API: set HYPERP_API_URL or pass --api URL/);
});

s.run();
