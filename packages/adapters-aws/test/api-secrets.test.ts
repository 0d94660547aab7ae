// The API's repository secrets (hyperp secrets set|list|rm) against Secrets Manager's own
// answers: exact inputs, AWS's error names, and no value in any answer or log line.
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../src/config.js';
import { apiHandler } from '../src/handlers/api.js';
import { parseSecretsManagers } from '../src/secrets/managers.js';
import type { Store } from '../src/store/store.js';
import { awsError } from './support/aws-faults.js';
import { testEnv } from './support/env.js';
import { http } from './support/url-event.js';

const config = loadConfig(testEnv);
const sm = mockClient(SecretsManagerClient);
const VALUE = 'hunter2-s3cr3t-value';
const logged: string[] = [];
const ID = `${config.familyPrefix}/acme/calc/db_password`;
const KEY = config.secretsKeyArn;

const api = apiHandler({
  // The secrets routes touch no run: a store that fails the test if they do.
  store: new Proxy({}, { get: () => assert.unreachable('the store was used') }) as unknown as Store,
  config, secrets: new SecretsManagerClient({ region: 'us-east-1' }),
  lambda: { send: async () => assert.unreachable('lambda was called') } as never,
  logs: { send: async () => assert.unreachable('logs were read') } as never,
  presign: async () => assert.unreachable('presigned') as never, startPlanner: async () => undefined, now: () => 0,
  log: (m, detail) => void logged.push(`${m} ${JSON.stringify(detail ?? {})}`),
});

const answers: string[] = [];
const call = async (e: LambdaFunctionURLEvent): Promise<[number, unknown]> => {
  const r = (await api(e)) as { statusCode: number; body: string; headers: Record<string, string> };
  answers.push(JSON.stringify(r));
  return [r.statusCode, JSON.parse(r.body)];
};
const put = (value: unknown, path = '/secrets/Acme/Calc/db_password') => call(http('PUT', path, { body: { value } }));

const s = suite('API: repository secrets');
s.before.each(() => void sm.reset());
s.after(() => {
  sm.restore();
  // Whatever each test did, the value reached no answer and no log line.
  assert.not.ok(answers.some((a) => a.includes(VALUE)), 'a value in an answer');
  assert.not.ok(logged.some((l) => l.includes(VALUE)), 'a value in a log line');
});

s('set gives an existing secret its new value with UpdateSecret under the deployment\'s key; owner and repository lower-cased, the name as given', async () => {
  sm.on(UpdateSecretCommand).resolves({ ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${ID}-AbCdEf`, Name: ID, VersionId: 'v2' });
  assert.equal(await put(VALUE), [200, { repo: 'Acme/Calc', name: 'db_password', result: 'updated' }]);
  // Naming the key moves a secret made before the deployment had it (under aws/secretsmanager)
  // onto it: PutSecretValue, which takes no key, would have left it there.
  assert.equal(sm.commandCalls(UpdateSecretCommand).map((c) => c.args[0].input), [{ SecretId: ID, SecretString: VALUE, KmsKeyId: KEY }]);
  assert.is(sm.commandCalls(PutSecretValueCommand).length, 0);
  assert.is(sm.commandCalls(CreateSecretCommand).length, 0);
});

s('set creates a secret Secrets Manager does not have (ResourceNotFoundException) under the deployment\'s key, and updates when another request created it first', async () => {
  sm.on(UpdateSecretCommand)
    .rejectsOnce(awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400))
    .resolves({ Name: ID, VersionId: 'v1' });
  sm.on(CreateSecretCommand).resolves({ Name: ID, VersionId: 'v1' });
  assert.equal(await put(VALUE), [200, { repo: 'Acme/Calc', name: 'db_password', result: 'created' }]);
  assert.equal(sm.commandCalls(CreateSecretCommand).map((c) => c.args[0].input), [
    { Name: ID, SecretString: VALUE, KmsKeyId: KEY, Description: 'hyperp: secret db_password of acme/calc' },
  ]);

  sm.reset();
  sm.on(UpdateSecretCommand)
    .rejectsOnce(awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400))
    .resolves({ Name: ID, VersionId: 'v2' });
  sm.on(CreateSecretCommand).rejects(awsError('ResourceExistsException', 'The operation failed because the secret hy/acme/calc/db_password already exists.', 400));
  assert.equal(await put(VALUE), [200, { repo: 'Acme/Calc', name: 'db_password', result: 'updated' }]);
  assert.equal(sm.commandCalls(UpdateSecretCommand).map((c) => c.args[0].input.KmsKeyId), [KEY, KEY]);

  // Created and deleted again between the two: say so rather than fail obscurely.
  sm.reset();
  sm.on(UpdateSecretCommand).rejects(awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400));
  sm.on(CreateSecretCommand).rejects(awsError('ResourceExistsException', 'The operation failed because the secret hy/acme/calc/db_password already exists.', 400));
  assert.equal(await put(VALUE), [409, { error: 'secret db_password of acme/calc was created and removed meanwhile; ask again' }]);
});

s('set: a deployment key that cannot encrypt (EncryptionFailure) is named, with how to check it', async () => {
  const disabled = awsError('EncryptionFailure', 'Secrets Manager can\'t encrypt the protected secret text using the provided KMS key. Check that the KMS key is available, enabled, and not in an invalid state.', 400);
  sm.on(UpdateSecretCommand).rejects(disabled);
  assert.equal(await put(VALUE), [502, {
    error: `Secrets Manager UpdateSecret cannot encrypt with the deployment's key ${KEY} (EncryptionFailure: ${disabled.message}); check that it is enabled and not pending deletion: aws kms describe-key --key-id ${KEY}`,
  }]);
  sm.reset();
  sm.on(UpdateSecretCommand).rejects(awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400));
  sm.on(CreateSecretCommand).rejects(disabled);
  const [status, body] = await put(VALUE);
  assert.is(status, 502);
  assert.match((body as { error: string }).error, /^Secrets Manager CreateSecret cannot encrypt with the deployment's key arn:aws:kms:/);
});

s('set refuses bad names, repositories and values before calling AWS', async () => {
  assert.equal(await put(VALUE, '/secrets/acme/calc/..'), [400, { error: 'secret name "..": use letters, digits, "_" and "-", starting with a letter or "_"' }]);
  assert.equal(await put(VALUE, '/secrets/acme/../x'), [400, { error: '"repo" must be owner/name of a GitHub repository; got "acme/.."' }]);
  assert.equal(await put(''), [400, { error: 'the secret\'s value is empty' }]);
  assert.equal(await put(7), [400, { error: '"value" is required and must be a string' }]);
  assert.equal((await put('x'.repeat(65_537)))[0], 400);
  assert.is(sm.calls().length, 0);
});

s('set: a secret being deleted is a 409, access denied and throttling say what AWS answered', async () => {
  sm.on(UpdateSecretCommand).rejects(awsError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.", 400));
  assert.equal(await put(VALUE), [409, { error: 'secret db_password of acme/calc is being deleted; ask again in a minute' }]);
  sm.on(UpdateSecretCommand).rejects(awsError('AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/hyperp-api/hyperp-api is not authorized to perform: secretsmanager:UpdateSecret', 400));
  const [status, body] = await put(VALUE);
  assert.is(status, 502);
  assert.match((body as { error: string }).error, /^Secrets Manager UpdateSecret failed: .*AccessDeniedException.*src\/contract\/permissions\.json/);
  sm.on(UpdateSecretCommand).rejects(awsError('ThrottlingException', 'Rate exceeded', 400));
  assert.is((await put(VALUE))[0], 429);
});

s('list gives the repository\'s names and dates only, across pages, and nothing of a look-alike repository', async () => {
  const created = new Date('2026-11-02T10:00:00Z');
  const changed = new Date('2026-11-20T09:30:00Z');
  sm.on(ListSecretsCommand)
    .resolvesOnce({
      SecretList: [
        { Name: `${config.familyPrefix}/acme/calc/zeta`, CreatedDate: created, LastChangedDate: changed },
        // The name filter is case-insensitive and a prefix: neither of these is acme/calc's.
        { Name: `${config.familyPrefix}/ACME/calc/other`, CreatedDate: created },
        { Name: `${config.familyPrefix}/acme/calc/deep/er`, CreatedDate: created },
      ],
      NextToken: 'page-2',
    })
    .resolvesOnce({ SecretList: [{ Name: ID, CreatedDate: created }] });
  assert.equal(await call(http('GET', '/secrets', { query: { repo: 'acme/calc' } })), [200, {
    repo: 'acme/calc',
    secrets: [
      { name: 'db_password', createdAt: '2026-11-02T10:00:00.000Z', updatedAt: '2026-11-02T10:00:00.000Z' },
      { name: 'zeta', createdAt: '2026-11-02T10:00:00.000Z', updatedAt: '2026-11-20T09:30:00.000Z' },
    ],
  }]);
  const filter = { Filters: [{ Key: 'name', Values: [`${config.familyPrefix}/acme/calc/`] }], MaxResults: 100 };
  assert.equal(sm.commandCalls(ListSecretsCommand).map((c) => c.args[0].input), [filter, { ...filter, NextToken: 'page-2' }]);
  assert.equal(await call(http('GET', '/secrets')), [400, { error: 'query parameter "repo" is required (owner/name)' }]);
});

s('rm deletes without a recovery window; a secret that is not there is a 404', async () => {
  sm.on(DeleteSecretCommand).resolvesOnce({ Name: ID }).rejects(awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400));
  assert.equal(await call(http('DELETE', '/secrets/acme/calc/db_password')), [200, { repo: 'acme/calc', name: 'db_password', deleted: true }]);
  assert.equal(sm.commandCalls(DeleteSecretCommand)[0]!.args[0].input, { SecretId: ID, ForceDeleteWithoutRecovery: true });
  const [status, body] = await call(http('DELETE', '/secrets/acme/calc/db_password'));
  assert.is(status, 404);
  assert.match((body as { error: string }).error, /^acme\/calc has no secret db_password \(ResourceNotFoundException/);
});

s('a failure nobody foresaw while setting names the call, never the value', async () => {
  sm.on(UpdateSecretCommand).callsFake(() => {
    throw new TypeError('Cannot read properties of undefined (reading \'VersionId\')');
  });
  const [status, body] = await put(VALUE);
  assert.is(status, 502);
  assert.match((body as { error: string }).error, /^Secrets Manager UpdateSecret failed: /);
});

s('hyperp:secretsManagers: only the principals named for a repository manage its secrets; an assumed role is its role; unset, every caller does', async () => {
  const as = (userArn: string, e: LambdaFunctionURLEvent): LambdaFunctionURLEvent =>
    ({ ...e, requestContext: { ...e.requestContext, authorizer: { iam: { userArn } } } as LambdaFunctionURLEvent['requestContext'] });
  const restricted = apiHandler({
    store: new Proxy({}, { get: () => assert.unreachable('the store was used') }) as unknown as Store,
    config: loadConfig({ ...testEnv, HYPERP_SECRETS_MANAGERS: 'acme/calc=arn:aws:iam::123456789012:role/ops/calc-admins, acme/*=arn:aws:iam::123456789012:user/ada, *=arn:aws:iam::123456789012:role/platform' }),
    secrets: new SecretsManagerClient({ region: 'us-east-1' }),
    lambda: { send: async () => assert.unreachable('lambda was called') } as never, logs: { send: async () => assert.unreachable('logs were read') } as never,
    presign: async () => assert.unreachable('presigned') as never, startPlanner: async () => undefined, now: () => 0, log: () => undefined,
  });
  const status = async (e: LambdaFunctionURLEvent) => {
    const r = (await restricted(e)) as { statusCode: number; body: string };
    answers.push(JSON.stringify(r));
    return [r.statusCode, (JSON.parse(r.body) as { error?: string }).error];
  };
  sm.on(DeleteSecretCommand).resolves({ Name: ID });
  sm.on(ListSecretsCommand).resolves({ SecretList: [] });
  const del = (repo: string) => http('DELETE', `/secrets/${repo}/db_password`);
  // The role's session (its path is not in an assumed-role ARN), a user by owner, the platform role everywhere.
  assert.equal(await status(as('arn:aws:sts::123456789012:assumed-role/calc-admins/alice', del('Acme/Calc'))), [200, undefined]);
  assert.equal(await status(as('arn:aws:iam::123456789012:user/ada', del('acme/other'))), [200, undefined]);
  assert.equal(await status(as('arn:aws:sts::123456789012:assumed-role/platform/ci', del('zeta/app'))), [200, undefined]);
  // Not theirs: refused before Secrets Manager is asked, naming who and which repository.
  const calls = sm.commandCalls(DeleteSecretCommand).length;
  assert.equal(await status(as('arn:aws:sts::123456789012:assumed-role/calc-admins/alice', del('acme/other'))), [
    403, 'arn:aws:sts::123456789012:assumed-role/calc-admins/alice may not manage the secrets of acme/other on this deployment: hyperp:secretsManagers names who may',
  ]);
  assert.is((await status(as('arn:aws:iam::999999999999:user/ada', del('acme/calc'))))[0], 403);
  assert.is((await status(as('arn:aws:iam::123456789012:user/ada', http('GET', '/secrets', { query: { repo: 'other/x' } }))))[0], 403);
  assert.is((await status(as('arn:aws:iam::123456789012:user/bob', http('PUT', '/secrets/acme/calc/db_password', { body: { value: VALUE } }))))[0], 403);
  assert.is(sm.commandCalls(DeleteSecretCommand).length, calls);
  assert.is(sm.commandCalls(UpdateSecretCommand).length, 0);
  // The default API (no list) lets ada, or anyone it lets in, manage any repository's.
  assert.equal((await call(as('arn:aws:iam::123456789012:user/bob', del('other/x'))))[0], 200);
});

s('a malformed hyperp:secretsManagers entry is refused with its reason', () => {
  assert.throws(() => parseSecretsManagers(['acme/calc=arn:aws:iam::123456789012:group/admins']), /"arn:aws:iam::123456789012:group\/admins" must be an IAM user or role ARN/);
  assert.throws(() => parseSecretsManagers(['acme=arn:aws:iam::123456789012:user/ada']), /"acme" must be owner\/name, owner\/\* or \*/);
  assert.throws(() => parseSecretsManagers(['arn:aws:iam::123456789012:user/ada']), /HYPERP_SECRETS_MANAGERS/);
});

s.run();
