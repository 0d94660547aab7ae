// Each security rule on hand-made resources that pass and that fail, messages asserted verbatim.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  TYPES,
  artifactsFileSystemClosed,
  buildRolesHoldNoCredentials,
  everyFunctionHasLogRetention,
  jobTaskRoleDeniesRepositorySecrets,
  jobTaskRoleDeniesSecretsKey,
  jobTaskRoleHasNoControlPlaneAccess,
  noPublicBucket,
  noUnencryptedStorage,
  noWildcardTableActions,
  secretsKeyRotates,
  statementsOf,
  type ResourceView,
} from '../src/policy/rules.js';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/runs';
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const res = (type: string, name: string, props: Record<string, unknown>): ResourceView => ({ type, name, urn: `urn:${name}`, props });

test('statementsOf reads JSON text and objects, single values and lists, and skips unknown documents', () => {
  assert.equal(statementsOf(doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Principal: { AWS: ['a', 'b'] } })), [
    { sid: '#0', effect: 'Allow', actions: ['s3:GetObject'], notActions: [], resources: ['*'], principals: ['a', 'b'] },
  ]);
  assert.equal(statementsOf({ Statement: { Sid: 'x', Effect: 'Deny', NotAction: ['iam:*'], Resource: ['r'], Principal: '*' } }), [
    { sid: 'x', effect: 'Deny', actions: [], notActions: ['iam:*'], resources: ['r'], principals: ['*'] },
  ]);
  assert.equal(statementsOf(undefined), []);
  assert.equal(statementsOf('not json'), []);
});

test('no-wildcard-table-actions: item actions pass; *, dynamodb:* and dynamodb:Get* on the table fail', () => {
  const good = res(TYPES.rolePolicy, 'good', { policy: doc({ Sid: 'Items', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: [TABLE] }) });
  assert.equal(noWildcardTableActions(good), []);
  const otherService = res(TYPES.rolePolicy, 'logs', { policy: doc({ Effect: 'Allow', Action: ['logs:*'], Resource: ['arn:aws:logs:x'] }) });
  assert.equal(noWildcardTableActions(otherService), []);
  const bad = res(TYPES.rolePolicy, 'bad', {
    policy: doc(
      { Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' },
      { Sid: 'Dynamo', Effect: 'Allow', Action: ['dynamodb:*', 'dynamodb:Get*', 'dynamodb:Query'], Resource: [TABLE, `${TABLE}/index/*`] },
      { Sid: 'Denied', Effect: 'Deny', Action: '*', Resource: '*' },
    ),
  });
  assert.equal(noWildcardTableActions(bad), [
    { resource: 'urn:bad', message: 'statement All allows * on *: name the DynamoDB actions one by one' },
    {
      resource: 'urn:bad',
      message: `statement Dynamo allows dynamodb:*, dynamodb:Get* on ${TABLE}, ${TABLE}/index/*: name the DynamoDB actions one by one`,
    },
  ]);
  const notAction = res(TYPES.managedPolicy, 'na', { policy: doc({ Sid: 'Most', Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' }) });
  assert.equal(noWildcardTableActions(notAction), [
    { resource: 'urn:na', message: 'statement Most allows NotAction iam:* on *: name the DynamoDB actions one by one' },
  ]);
  const inline = res(TYPES.role, 'r', { inlinePolicies: [{ name: 'p', policy: doc({ Sid: 'I', Effect: 'Allow', Action: 'dynamodb:*', Resource: TABLE }) }] });
  assert.equal(noWildcardTableActions(inline).map((v) => v.message), [`statement I allows dynamodb:* on ${TABLE}: name the DynamoDB actions one by one`]);
});

const bucket = res(TYPES.bucket, 'b', { bucket: 'my-bucket' });
const block = (flags: Partial<Record<string, boolean>>) =>
  res(TYPES.publicAccessBlock, 'pab', { bucket: 'my-bucket', blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...flags });
const tlsOnly = res(TYPES.bucketPolicy, 'tls', {
  bucket: 'my-bucket',
  policy: doc({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
});

test('no-public-bucket: a fully blocked bucket with a deny-only policy passes', () => {
  assert.equal(noPublicBucket([bucket, block({}), tlsOnly]), []);
});

test('no-public-bucket: a missing block, a partial block, a public ACL and an allow-everyone policy fail', () => {
  assert.equal(noPublicBucket([bucket]), [
    { resource: 'urn:b', message: 'bucket my-bucket: public access is not blocked (blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets not true)' },
  ]);
  assert.equal(noPublicBucket([bucket, block({ restrictPublicBuckets: false })]).map((v) => v.message), [
    'bucket my-bucket: public access is not blocked (restrictPublicBuckets not true)',
  ]);
  const publicBucket = res(TYPES.bucket, 'b', { bucket: 'my-bucket', acl: 'public-read' });
  const allowAll = res(TYPES.bucketPolicy, 'p', { bucket: 'my-bucket', policy: doc({ Sid: 'Read', Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: '*' }) });
  assert.equal(noPublicBucket([publicBucket, block({}), allowAll]).map((v) => v.message), [
    'bucket my-bucket: its ACL public-read is public',
    'bucket my-bucket: policy statement Read allows everyone',
  ]);
  // A block on another bucket does not count.
  assert.equal(noPublicBucket([bucket, { ...block({}), props: { ...block({}).props, bucket: 'other' } }]).length, 1);
});

test('no-unencrypted-storage: encrypted file system, bucket and queue pass; unencrypted ones fail', () => {
  const sse = res(TYPES.bucketEncryption, 'sse', { bucket: 'my-bucket', rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] });
  const good = [
    res(TYPES.fileSystem, 'fs', { encrypted: true }),
    bucket,
    sse,
    res(TYPES.queue, 'q', { sqsManagedSseEnabled: true }),
    res(TYPES.queue, 'kms', { kmsMasterKeyId: 'alias/aws/sqs' }),
  ];
  assert.equal(noUnencryptedStorage(good), []);
  const bad = [res(TYPES.fileSystem, 'fs', {}), bucket, res(TYPES.queue, 'q', { sqsManagedSseEnabled: false })];
  assert.equal(noUnencryptedStorage(bad), [
    { resource: 'urn:fs', message: 'file system fs is not encrypted (set encrypted: true)' },
    { resource: 'urn:b', message: 'bucket my-bucket has no default encryption configuration' },
    { resource: 'urn:q', message: 'queue q is not encrypted (set sqsManagedSseEnabled or kmsMasterKeyId)' },
  ]);
});

test('function-log-retention: a function whose log group keeps logs 30 days passes; forever or unknown fails', () => {
  const fn = (name: string, logGroup?: string) =>
    res(TYPES.function, name, { name, ...(logGroup ? { loggingConfig: { logFormat: 'Text', logGroup } } : {}) });
  const group = (name: string, retentionInDays?: number) => res(TYPES.logGroup, name, { name, ...(retentionInDays ? { retentionInDays } : {}) });
  assert.equal(everyFunctionHasLogRetention([fn('a', '/hyperp/a'), group('/hyperp/a', 30), fn('b'), group('/aws/lambda/b', 7)]), []);
  assert.equal(everyFunctionHasLogRetention([fn('a', '/hyperp/a'), group('/hyperp/a'), fn('b')]), [
    { resource: 'urn:a', message: 'function a logs to /hyperp/a, which keeps logs forever (set retentionInDays)' },
    { resource: 'urn:b', message: 'function b logs to /aws/lambda/b, which is not a log group of this stack with a retention' },
  ]);
});

const jobRole = res(TYPES.role, 'job', { name: 'job-role', tags: { 'hyperp:role': 'task:job' } });
const efsOnly = res(TYPES.rolePolicy, 'job-policy', {
  role: 'job-role',
  policy: doc({ Effect: 'Allow', Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'], Resource: 'arn:aws:elasticfilesystem:x' }),
});

test('job-task-role-no-control-plane: file-system access and a user policy of their own pass', () => {
  const userPolicy = res(TYPES.rolePolicyAttachment, 'user', { role: 'job-role', policyArn: 'arn:aws:iam::123456789012:policy/my-jobs-read-data' });
  assert.equal(jobTaskRoleHasNoControlPlaneAccess([jobRole, efsOnly, userPolicy]), []);
  // Another role may hold control-plane grants.
  const stepper = res(TYPES.role, 'stepper', { name: 'stepper-role', tags: { 'hyperp:role': 'function:stepper' } });
  const stepperPolicy = res(TYPES.rolePolicy, 'sp', { role: 'stepper-role', policy: doc({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE }) });
  assert.equal(jobTaskRoleHasNoControlPlaneAccess([jobRole, efsOnly, stepper, stepperPolicy]), []);
});

test('job-task-role-denies-repository-secrets: a job role without an explicit deny fails, one with it passes', () => {
  const role = res(TYPES.role, 'job', { name: 'job-role', tags: { 'hyperp:role': 'task:job' } });
  assert.equal(jobTaskRoleDeniesRepositorySecrets([role]), [{
    resource: 'urn:job',
    message: "job task role job-role does not deny secretsmanager:GetSecretValue on repositories' secrets: a policy attached to it could hand one repository's secrets to another's jobs",
  }]);
  const deny = res(TYPES.rolePolicy, 'deny', { role: 'job-role', policy: doc({ Sid: 'NoRepositorySecrets', Effect: 'Deny', Action: ['secretsmanager:GetSecretValue'], Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hy/*' }) });
  assert.equal(jobTaskRoleDeniesRepositorySecrets([role, deny]), []);
});

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

test('secrets-key-rotates: a rotating key passes; a key without rotation fails', () => {
  assert.equal(secretsKeyRotates(res(TYPES.kmsKey, 'key', { arn: KEY, enableKeyRotation: true })), []);
  assert.equal(secretsKeyRotates(res(TYPES.kmsKey, 'key', { arn: KEY })), [
    { resource: 'urn:key', message: 'KMS key key does not rotate (set enableKeyRotation: true)' },
  ]);
  assert.equal(secretsKeyRotates(res(TYPES.kmsKey, 'key', { arn: KEY, enableKeyRotation: false })).length, 1);
  assert.equal(secretsKeyRotates(res(TYPES.role, 'job', { enableKeyRotation: false })), []);
});

test('job-task-role-denies-secrets-key: a Deny of kms:* on the key passes; none, a narrower one, another key or a conditional one fail', () => {
  const role = res(TYPES.role, 'job', { name: 'job-role', tags: { 'hyperp:role': 'task:job' } });
  const key = res(TYPES.kmsKey, 'key', { arn: KEY, enableKeyRotation: true });
  const policy = (statement: object) => res(TYPES.rolePolicy, 'p', { role: 'job-role', policy: doc(statement) });
  const failure = [{
    resource: 'urn:job',
    message: "job task role job-role does not deny kms:* on KMS key key: a policy attached to it could let jobs use the key of every repository's secrets",
  }];
  assert.equal(jobTaskRoleDeniesSecretsKey([role, key]), failure);
  assert.equal(jobTaskRoleDeniesSecretsKey([role, key, policy({ Sid: 'NoSecretsKey', Effect: 'Deny', Action: ['kms:*'], Resource: [KEY] })]), []);
  assert.equal(jobTaskRoleDeniesSecretsKey([role, key, policy({ Effect: 'Deny', Action: '*', Resource: '*' })]), []);
  assert.equal(jobTaskRoleDeniesSecretsKey([role, key, policy({ Effect: 'Deny', Action: ['kms:Decrypt'], Resource: [KEY] })]), failure);
  assert.equal(jobTaskRoleDeniesSecretsKey([role, key, policy({ Effect: 'Deny', Action: ['kms:*'], Resource: [KEY.replace('0a1b', 'ffff')] })]), failure);
  assert.equal(jobTaskRoleDeniesSecretsKey([role, key, policy({
    Effect: 'Deny', Action: ['kms:*'], Resource: [KEY], Condition: { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' } },
  })]), failure);
  // A stack without a key asks nothing; a key not created yet (preview) is matched by any Deny of kms:*.
  assert.equal(jobTaskRoleDeniesSecretsKey([role]), []);
  assert.equal(jobTaskRoleDeniesSecretsKey([role, res(TYPES.kmsKey, 'key', {}), policy({ Effect: 'Deny', Action: 'kms:*', Resource: 'unknown' })]), []);
});

test('job-task-role-no-control-plane: table, secrets, ECR, wildcard and admin policies on the job role fail', () => {
  const leaky = res(TYPES.rolePolicy, 'leaky', {
    role: 'job-role',
    policy: doc(
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'secretsmanager:GetSecretValue'], Resource: '*' },
      { Effect: 'Allow', Action: ['ecr:PutImage', 'dynamodb:GetItem'], Resource: '*' },
      { Effect: 'Deny', Action: ['lambda:InvokeFunction'], Resource: '*' },
    ),
  });
  const admin = res(TYPES.rolePolicyAttachment, 'admin', { role: 'job-role', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
  const everything = res(TYPES.rolePolicy, 'all', { role: 'job-role', policy: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) });
  assert.equal(jobTaskRoleHasNoControlPlaneAccess([jobRole, efsOnly, leaky, admin, everything]), [
    {
      resource: 'urn:job',
      message: "job task role job-role allows dynamodb:GetItem, secretsmanager:GetSecretValue, ecr:PutImage, *: user jobs must not reach hyperp's control plane",
    },
    {
      resource: 'urn:job',
      message: "job task role job-role has arn:aws:iam::aws:policy/AdministratorAccess attached: user jobs must not reach hyperp's control plane",
    },
  ]);
});

const builderRole = res(TYPES.role, 'builder', { name: 'builder-role', tags: { 'hyperp:role': 'task:builder' } });
const executionRole = res(TYPES.role, 'execution', { name: 'execution-role', tags: { 'hyperp:role': 'task-execution' } });
const contextsOnly = res(TYPES.rolePolicy, 'builder-policy', {
  role: 'builder-role',
  policy: doc(
    { Effect: 'Allow', Action: ['ecr:PutImage'], Resource: 'arn:aws:ecr:us-east-1:123456789012:repository/hyperp' },
    { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/hyperp-contexts/*' },
  ),
});

test('build-roles-hold-no-credentials: reading the build contexts and pushing images pass', () => {
  assert.equal(buildRolesHoldNoCredentials([builderRole, contextsOnly, executionRole]), []);
  // The stepper, which packs the contexts and reads the App key, is not a build role.
  const stepper = res(TYPES.role, 'stepper', { name: 'stepper-role', tags: { 'hyperp:role': 'function:stepper' } });
  const stepperPolicy = res(TYPES.rolePolicy, 'sp', { role: 'stepper-role', policy: doc({ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 's3:PutObject'], Resource: '*' }) });
  assert.equal(buildRolesHoldNoCredentials([builderRole, contextsOnly, stepper, stepperPolicy]), []);
});

test('build-roles-hold-no-credentials: a secret, another prefix, a write or a wildcard on a build role fails', () => {
  const leaky = res(TYPES.rolePolicy, 'leaky', {
    role: 'builder-role',
    policy: doc(
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'ssm:GetParameters'], Resource: '*' },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::bucket/hyperp-state/*'] },
    ),
  });
  // The environment file of earlier versions: ECS read a clone token from S3 with the execution role.
  const envFile = res(TYPES.rolePolicy, 'env', { role: 'execution-role', policy: doc({ Sid: 'BuildCredentials', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/hyperp-build-env/*' }) });
  const all = res(TYPES.rolePolicy, 'all', { role: 'execution-role', policy: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) });
  const m = (role: string, what: string) =>
    `build role ${role} ${what}: a build runs the repository's code and may read only its context (s3:GetObject on */hyperp-contexts/*)`;
  assert.equal(buildRolesHoldNoCredentials([builderRole, contextsOnly, leaky, executionRole, envFile, all]), [
    { resource: 'urn:builder', message: m('builder-role', 'allows secretsmanager:GetSecretValue') },
    { resource: 'urn:builder', message: m('builder-role', 'allows ssm:GetParameters') },
    { resource: 'urn:builder', message: m('builder-role', 'allows s3:GetObject on arn:aws:s3:::bucket/hyperp-state/*') },
    { resource: 'urn:builder', message: m('builder-role', 'allows s3:PutObject on arn:aws:s3:::bucket/hyperp-state/*') },
    { resource: 'urn:execution', message: m('execution-role', 'allows s3:GetObject on arn:aws:s3:::bucket/hyperp-build-env/*') },
    { resource: 'urn:execution', message: m('execution-role', 'allows *') },
  ]);
});

const FS = 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1';
const fileSystem = res(TYPES.fileSystem, 'fs', { encrypted: true, arn: FS });
const fsPolicy = (...Statement: object[]) => res(TYPES.fileSystemPolicy, 'fsp', { fileSystemId: 'fs-1', policy: doc(...Statement) });
const denyInsecure = { Sid: 'Tls', Effect: 'Deny', Principal: { AWS: '*' }, Action: '*', Resource: FS, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
const accountOnly = { Sid: 'Account', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'elasticfilesystem:ClientMount', Resource: FS };

test('artifacts-file-system-closed: a TLS-only policy that allows the account passes, with a job role that has no root', () => {
  assert.equal(artifactsFileSystemClosed([fileSystem, fsPolicy(denyInsecure, accountOnly), jobRole, efsOnly]), []);
});

test('artifacts-file-system-closed: no policy, no TLS rule, an allow to everyone and root for jobs fail', () => {
  assert.equal(artifactsFileSystemClosed([fileSystem]), [
    { resource: 'urn:fs', message: 'file system fs has no file-system policy, so any client that reaches a mount target has full access' },
  ]);
  const open = { Sid: 'Open', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['elasticfilesystem:ClientMount'], Resource: FS };
  const rooted = res(TYPES.rolePolicy, 'root', {
    role: 'job-role',
    policy: doc({ Sid: 'Root', Effect: 'Allow', Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientRootAccess'], Resource: FS }),
  });
  assert.equal(artifactsFileSystemClosed([fileSystem, fsPolicy(accountOnly, open), jobRole, rooted]), [
    { resource: 'urn:fs', message: 'file system fs does not deny requests without TLS (aws:SecureTransport false)' },
    { resource: 'urn:fs', message: 'file system fs policy statement Open allows everyone' },
    {
      resource: 'urn:job',
      message: 'job task role job-role: statement Root allows root on the artifacts file system; jobs work through access points that set their user',
    },
  ]);
  // A policy of another file system does not count.
  assert.equal(artifactsFileSystemClosed([fileSystem, { ...fsPolicy(denyInsecure), props: { fileSystemId: 'fs-2', policy: doc(denyInsecure) } }]).length, 1);
});

test.run();
