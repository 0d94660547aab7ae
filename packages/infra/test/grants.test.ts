// Least privilege, checked on the statements each role receives.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cliUserGrants, executionGrants, functionGrants, schedulerGrants, SECRET_READ_ACTIONS, taskGrants } from '../src/iam/grants.js';
import { grantsOf } from '../src/iam/roles.js';
import { policyDocument, type Statement } from '../src/iam/statements.js';
import { defaultContractDir, readPermissions } from '../src/contract.js';
import { DOWNLOADS_PREFIX, FUNCTION_NAMES, TASK_KINDS } from '../src/names.js';
import { arns } from './support/arns.js';

const all = grantsOf(arns);
const everyRole: [string, Statement[]][] = [
  ...FUNCTION_NAMES.map((fn): [string, Statement[]] => [`function ${fn}`, all.functions[fn]]),
  ...TASK_KINDS.map((k): [string, Statement[]] => [`task ${k}`, all.tasks[k]]),
  ['execution', all.execution],
  ['scheduler', all.scheduler],
  ['sweep schedule', all.sweepSchedule],
];
/** Every repository's secrets of this deployment. */
const repoSecretsArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hy/*';
const rolesWith = (action: string): string[] =>
  everyRole.filter(([, ss]) => ss.some((s) => s.Action.includes(action))).map(([name]) => name);

test('no statement of any role allows a wildcard action; the only wildcards deny the tasks\' roles every use of the secrets key', () => {
  const wild = everyRole.flatMap(([name, ss]) => ss.flatMap((s) => s.Action.filter((a) => a.includes('*')).map((a) => `${name}: ${s.Effect} ${a}`)));
  assert.equal(wild, ['task job: Deny kms:*', 'task builder: Deny kms:*', 'execution: Deny kms:*']);
});

test('table statements are item-level and name the table and its indexes only', () => {
  const tableStatements = everyRole.flatMap(([, ss]) => ss.filter((s) => s.Action.some((a) => a.startsWith('dynamodb:'))));
  for (const s of tableStatements) {
    const expected = s.Sid === 'EventStream' ? [arns.tableStream] : [arns.table, `${arns.table}/index/*`];
    assert.equal(s.Resource, expected, s.Sid);
    assert.not.ok(s.Action.some((a) => /Scan|Table|Delete(Table|Backup)/.test(a)), `${s.Sid}: ${s.Action.join(', ')}`);
  }
  assert.equal(rolesWith('dynamodb:PutItem'), ['function planner', 'function task-events', 'function stepper', 'function sweep', 'function api', 'function efs']);
});

test('the job task role gets the artifacts file system through access points, without root, and nothing else', () => {
  const allowed = taskGrants('job', arns).filter((s) => s.Effect === 'Allow');
  assert.equal(allowed, [
    {
      Sid: 'ArtifactsThroughAccessPoints',
      Effect: 'Allow',
      Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
      Resource: [arns.fileSystem],
      Condition: { Null: { 'elasticfilesystem:AccessPointArn': 'false' }, Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
    },
  ]);
  assert.equal(rolesWith('elasticfilesystem:ClientRootAccess'), ['task job']);
  assert.ok(taskGrants('job', arns).filter((s) => s.Action.includes('elasticfilesystem:ClientRootAccess')).every((s) => s.Effect === 'Deny'));
});

test('the builder may push to hyperp\'s repository only, and read only the build contexts; nobody else may push', () => {
  assert.equal(taskGrants('builder', arns), [
    { Sid: 'RegistryLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
    {
      Sid: 'PushImages',
      Effect: 'Allow',
      Action: [
        'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage',
        'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:PutImage',
      ],
      Resource: [arns.repository],
    },
    // kaniko's `--context=s3://…`: the stepper packs the context; the builder holds no git credential.
    { Sid: 'ReadBuildContexts', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${arns.bucket}/hyperp-contexts/*`] },
    // A build runs the repository's Dockerfile: no repository's secret, no use of the key.
    { Sid: 'NoRepositorySecrets', Effect: 'Deny', Action: [...SECRET_READ_ACTIONS], Resource: [repoSecretsArn] },
    { Sid: 'NoSecretsKey', Effect: 'Deny', Action: ['kms:*'], Resource: [arns.secretsKey] },
  ]);
  assert.equal(rolesWith('ecr:PutImage'), ['task builder']);
});

test('secrets: the webhook secret to the webhook only, the App key to the planner, the stepper and the sweep only', () => {
  const readers = (secret: string) =>
    everyRole.filter(([, ss]) => ss.some((s) => s.Action.includes('secretsmanager:GetSecretValue') && s.Resource.includes(secret))).map(([n]) => n);
  assert.equal(readers(arns.webhookSecret), ['function webhook']);
  assert.equal(readers(arns.githubPrivateKeySecret), ['function planner', 'function stepper', 'function sweep']);
  const allowedTo = (action: string) => everyRole.filter(([, ss]) => ss.some((s) => s.Effect === 'Allow' && s.Action.includes(action))).map(([name]) => name);
  assert.equal(allowedTo('secretsmanager:GetSecretValue'), ['function webhook', 'function planner', 'function stepper', 'function sweep', 'function api']);
});

test('no job reads, lists or changes a repository\'s secret with its own AWS identity, whatever policies the deployment attaches', () => {
  const job = taskGrants('job', arns);
  assert.not.ok(job.some((s) => s.Effect === 'Allow' && s.Action.some((a) => a.startsWith('secretsmanager:'))));
  const denied = job.filter((s) => s.Effect === 'Deny' && s.Resource.includes('arn:aws:secretsmanager:us-east-1:123456789012:secret:hy/*'));
  assert.equal(denied.map((s) => s.Sid), ['NoRepositorySecrets']);
  for (const action of ['secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue', 'secretsmanager:DescribeSecret']) {
    assert.ok(denied[0]!.Action.includes(action), action);
  }
  // The stepper reads them (once per run, for the files it writes); the stepper, the sweep and the API
  // read them to mask what they post and serve of a job's log; only the API changes them (hyperp secrets).
  const repoSecrets = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hy/*';
  assert.equal(everyRole.filter(([, ss]) => ss.some((s) => s.Effect === 'Allow' && s.Resource.some((r) => r.startsWith('arn:aws:secretsmanager:us-east-1:123456789012:secret:hy/')))).map(([n]) => n), ['function stepper', 'function sweep', 'function api']);
  assert.equal(everyRole.filter(([, ss]) => ss.some((s) => s.Effect === 'Allow' && s.Action.includes('secretsmanager:GetSecretValue') && s.Resource.includes(repoSecrets))).map(([n]) => n), ['function stepper', 'function sweep', 'function api']);
});

const viaSecretsManager = (secrets: readonly string[]) => ({
  StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' },
  StringLike: { 'kms:EncryptionContext:SecretARN': secrets },
});

test('the secrets key: each role allowed a secret\'s value gets exactly the KMS actions that needs, through Secrets Manager, for those secrets only', () => {
  const keyUse = everyRole.flatMap(([name, ss]) =>
    ss.filter((s) => s.Action.some((a) => a.startsWith('kms:'))).map((s) => [name, s.Sid, s.Effect, s.Action, s.Resource, s.Condition]),
  );
  const repoSecrets = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hy/*';
  assert.equal(keyUse, [
    ['function webhook', 'WebhookSecretKey', 'Allow', ['kms:Decrypt'], [arns.secretsKey], viaSecretsManager([arns.webhookSecret])],
    ['function planner', 'GitHubAppKeyKey', 'Allow', ['kms:Decrypt'], [arns.secretsKey], viaSecretsManager([arns.githubPrivateKeySecret])],
    ['function stepper', 'GitHubAppKeyKey', 'Allow', ['kms:Decrypt'], [arns.secretsKey], viaSecretsManager([arns.githubPrivateKeySecret])],
    ['function stepper', 'ReadRepositorySecretsKey', 'Allow', ['kms:Decrypt'], [arns.secretsKey], viaSecretsManager([repoSecrets])],
    ['function sweep', 'GitHubAppKeyKey', 'Allow', ['kms:Decrypt'], [arns.secretsKey], viaSecretsManager([arns.githubPrivateKeySecret])],
    ['function sweep', 'MaskRepositorySecretsKey', 'Allow', ['kms:Decrypt'], [arns.secretsKey], viaSecretsManager([repoSecrets])],
    ['function api', 'MaskRepositorySecretsKey', 'Allow', ['kms:Decrypt'], [arns.secretsKey], viaSecretsManager([repoSecrets])],
    ['function api', 'RepositorySecretsKey', 'Allow', ['kms:Decrypt', 'kms:GenerateDataKey'], [arns.secretsKey], viaSecretsManager([repoSecrets])],
    ['task job', 'NoSecretsKey', 'Deny', ['kms:*'], [arns.secretsKey], undefined],
    ['task builder', 'NoSecretsKey', 'Deny', ['kms:*'], [arns.secretsKey], undefined],
    ['execution', 'NoSecretsKey', 'Deny', ['kms:*'], [arns.secretsKey], undefined],
  ]);
});

test('the secrets key follows the manifest: a function that gains GetSecretValue on repositories\' secrets gains kms:Decrypt for them, one that loses it loses it', () => {
  const real = readPermissions();
  const gained = { ...real, functions: { ...real.functions, api: [...real.functions.api, { sid: 'MaskValues', actions: ['secretsmanager:GetSecretValue'], on: 'repositorySecrets', why: '' }] } };
  const repoSecrets = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hy/*';
  assert.equal(functionGrants('api', arns, gained).filter((s) => s.Sid === 'MaskValuesKey'), [
    { Sid: 'MaskValuesKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [arns.secretsKey], Condition: viaSecretsManager([repoSecrets]) },
  ]);
  const lost = { ...real, functions: { ...real.functions, stepper: real.functions.stepper.filter((p) => p.on !== 'repositorySecrets') } };
  assert.equal(functionGrants('stepper', arns, lost).filter((s) => s.Action.includes('kms:Decrypt')).map((s) => s.Sid), ['GitHubAppKeyKey']);
  // Deleting and listing touch no value: no key for them.
  const listOnly = { ...real, functions: { ...real.functions, efs: [{ sid: 'Tidy', actions: ['secretsmanager:DeleteSecret', 'secretsmanager:ListSecrets'], on: 'repositorySecrets', why: '' }] } };
  assert.equal(functionGrants('efs', arns, listOnly).filter((s) => s.Action.some((a) => a.startsWith('kms:'))), []);
});

test('the API sets and deletes repositories\' secrets under the deployment\'s prefix only, lists names, and reads values only to mask logs', () => {
  const api = functionGrants('api', arns).filter((s) => s.Action.some((a) => a.startsWith('secretsmanager:')));
  assert.equal(api, [
    { Sid: 'MaskRepositorySecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:hy/*'] },
    {
      Sid: 'RepositorySecrets', Effect: 'Allow',
      Action: ['secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:UpdateSecret'],
      Resource: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:hy/*'],
    },
    { Sid: 'ListRepositorySecrets', Effect: 'Allow', Action: ['secretsmanager:ListSecrets'], Resource: ['*'] },
  ]);
  const changers = (action: string) => everyRole.filter(([, ss]) => ss.some((s) => s.Effect === 'Allow' && s.Action.includes(action))).map(([n]) => n);
  assert.equal(changers('secretsmanager:UpdateSecret'), ['function api']);
  assert.equal(changers('secretsmanager:PutSecretValue'), []);
  assert.equal(changers('secretsmanager:ListSecrets'), ['function api']);
});

test('roles are passed only to the service they are for', () => {
  const passes = everyRole.flatMap(([name, ss]) =>
    ss.filter((s) => s.Action.includes('iam:PassRole')).map((s) => [name, s.Resource, s.Condition]),
  );
  assert.equal(passes, [
    ['function planner', [arns.schedulerRole], { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } }],
    [
      'function stepper',
      [arns.executionRole, arns.taskRoles.job, arns.taskRoles.builder],
      { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    ],
  ]);
});

test('tasks are started, stopped and described only on hyperp\'s cluster and families', () => {
  const stepper = functionGrants('stepper', arns);
  const run = stepper.find((s) => s.Action.includes('ecs:RunTask'));
  assert.equal(run, {
    Sid: 'RunTasks',
    Effect: 'Allow',
    Action: ['ecs:RunTask'],
    Resource: ['arn:aws:ecs:us-east-1:123456789012:task-definition/hy_*'],
    Condition: { ArnEquals: { 'ecs:cluster': arns.cluster } },
  });
  // Every statement that names task definitions names this deployment's families only.
  const families = stepper.flatMap((s) => s.Resource.filter((r) => r.includes(':task-definition/')));
  assert.ok(families.length >= 3);
  assert.equal([...new Set(families)], ['arn:aws:ecs:us-east-1:123456789012:task-definition/hy_*']);
  const manage = [...stepper, ...functionGrants('sweep', arns)].filter((s) => s.Action.includes('ecs:StopTask'));
  assert.equal(manage.map((s) => s.Resource), [['arn:aws:ecs:us-east-1:123456789012:task/hy-cluster/*'], ['arn:aws:ecs:us-east-1:123456789012:task/hy-cluster/*']]);
  assert.equal(rolesWith('ecs:RunTask'), ['function stepper']);
});

test('two deployments in one account never share task-definition families, even when one prefix starts the other', () => {
  const scoped = (prefix: string) =>
    functionGrants('stepper', { ...arns, namePrefix: prefix }).flatMap((s) => s.Resource.filter((r) => r.includes(':task-definition/')));
  const covers = (pattern: string, arn: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(arn);
  const other = 'arn:aws:ecs:us-east-1:123456789012:task-definition/hyperp-prod-eu_calc-add-0123456789abcdef:3';
  assert.ok(scoped('hyperp-prod').length > 0);
  assert.not.ok(scoped('hyperp-prod').some((p) => covers(p, other)), scoped('hyperp-prod').join(', '));
  assert.ok(scoped('hyperp-prod-eu').some((p) => covers(p, other)));
});

test('the stepper makes and deletes only this deployment\'s access points on the artifacts file system; the sweep deletes leftovers', () => {
  const ap = 'arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/*';
  const efsOf = (fn: 'stepper' | 'sweep') =>
    functionGrants(fn, arns).filter((s) => s.Action.some((a) => a.startsWith('elasticfilesystem:'))).map((s) => [s.Action, s.Resource, s.Condition]);
  assert.equal(efsOf('stepper'), [
    [['elasticfilesystem:CreateAccessPoint'], [arns.fileSystem], { StringEquals: { 'aws:RequestTag/hyperp:deployment': 'hy' } }],
    [['elasticfilesystem:TagResource'], [ap], { StringEquals: { 'elasticfilesystem:CreateAction': 'CreateAccessPoint' } }],
    [['elasticfilesystem:DescribeAccessPoints'], [arns.fileSystem, ap], undefined],
    [['elasticfilesystem:DeleteAccessPoint'], [ap], { StringEquals: { 'aws:ResourceTag/hyperp:deployment': 'hy' } }],
  ]);
  assert.equal(efsOf('sweep'), efsOf('stepper').slice(2));
  assert.equal(rolesWith('elasticfilesystem:CreateAccessPoint'), ['function stepper']);
});

test('each function writes only its own log group', () => {
  for (const fn of FUNCTION_NAMES) {
    const logs = functionGrants(fn, arns).filter((s) => s.Action.includes('logs:PutLogEvents'));
    assert.equal(logs.map((s) => s.Resource), [[arns.functionLogGroups[fn], `${arns.functionLogGroups[fn]}:*`]], fn);
  }
});

test('execution, scheduler and CLI policies', () => {
  assert.equal(executionGrants(arns), [
    { Sid: 'RegistryLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
    { Sid: 'PullImages', Effect: 'Allow', Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Resource: [arns.repository] },
    { Sid: 'TaskLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [arns.taskLogGroup, `${arns.taskLogGroup}:*`] },
    // A repository's task definition may name any `valueFrom`: ECS reads no repository's secret.
    { Sid: 'NoRepositorySecrets', Effect: 'Deny', Action: [...SECRET_READ_ACTIONS], Resource: [repoSecretsArn] },
    { Sid: 'NoSecretsKey', Effect: 'Deny', Action: ['kms:*'], Resource: [arns.secretsKey] },
  ]);
  // ECS itself reads nothing of the bucket: no environment file carries a build credential.
  assert.equal(executionGrants(arns).filter((st) => st.Action.some((a) => a.startsWith('s3:'))), []);
  assert.equal(schedulerGrants(arns), [{ Sid: 'StartCronRuns', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [arns.functions.api] }]);
  // InvokeFunction only through the URL: a CLI user cannot invoke the function directly with a
  // crafted payload (a `{"kind":"cron"}` that bypasses `triggers.manual`).
  assert.equal(cliUserGrants(arns), [
    { Sid: 'HyperpApiUrl', Effect: 'Allow', Action: ['lambda:InvokeFunctionUrl'], Resource: [arns.functions.api] },
    {
      Sid: 'HyperpApiViaUrl', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [arns.functions.api],
      Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
    },
  ]);
});

test('function grants are the adapters\' manifest, scoped to this deployment: the sweep, whole', () => {
  assert.equal(functionGrants('sweep', arns), [
    { Sid: 'OwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [arns.functionLogGroups.sweep, `${arns.functionLogGroups.sweep}:*`] },
    // the sweep sends a check run's final state when the stepper's last report was lost
    { Sid: 'GitHubAppKey', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [arns.githubPrivateKeySecret] },
    { Sid: 'TaskLogs', Effect: 'Allow', Action: ['logs:GetLogEvents'], Resource: [arns.taskLogGroup, `${arns.taskLogGroup}:*`] },
    // ...and masks the secrets the run's jobs declare in those lines
    { Sid: 'MaskRepositorySecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:hy/*'] },
    {
      Sid: 'RunStore', Effect: 'Allow',
      Action: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      Resource: [arns.table, `${arns.table}/index/*`],
    },
    { Sid: 'StateObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [`${arns.bucket}/hyperp-state/*`] },
    { Sid: 'ListClusterTasks', Effect: 'Allow', Action: ['ecs:ListTasks'], Resource: ['*'], Condition: { ArnEquals: { 'ecs:cluster': arns.cluster } } },
    {
      Sid: 'ReconcileTasks', Effect: 'Allow', Action: ['ecs:DescribeTasks', 'ecs:StopTask'],
      Resource: ['arn:aws:ecs:us-east-1:123456789012:task/hy-cluster/*'], Condition: { ArnEquals: { 'ecs:cluster': arns.cluster } },
    },
    { Sid: 'Restep', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [arns.functions.stepper] },
    {
      Sid: 'FindLeftAccessPoints', Effect: 'Allow', Action: ['elasticfilesystem:DescribeAccessPoints'],
      Resource: [arns.fileSystem, 'arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/*'],
    },
    {
      Sid: 'DeleteLeftAccessPoints', Effect: 'Allow', Action: ['elasticfilesystem:DeleteAccessPoint'],
      Resource: ['arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/*'],
      Condition: { StringEquals: { 'aws:ResourceTag/hyperp:deployment': 'hy' } },
    },
    // secret files of runs that ended without removing them
    { Sid: 'LeftSecretFiles', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [arns.functions.efs] },
    // the key the GitHub App's private key is encrypted with, for that secret only
    {
      Sid: 'GitHubAppKeyKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [arns.secretsKey],
      Condition: viaSecretsManager([arns.githubPrivateKeySecret]),
    },
    // ...and the one repositories' secrets are encrypted with, to mask them
    {
      Sid: 'MaskRepositorySecretsKey', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [arns.secretsKey],
      Condition: viaSecretsManager(['arn:aws:secretsmanager:us-east-1:123456789012:secret:hy/*']),
    },
  ]);
});

test('what the handlers call is granted: the registry check, self-invocations, ListTasks for stops, spilled bodies', () => {
  const granted = (fn: (typeof FUNCTION_NAMES)[number], action: string) =>
    functionGrants(fn, arns).filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource);
  assert.equal(granted('planner', 'ecr:BatchGetImage'), [arns.repository]);
  assert.equal(rolesWith('ecr:DescribeImages'), []);
  assert.equal(granted('stepper', 'lambda:InvokeFunction'), [arns.functions.efs, arns.functions.stepper]);
  assert.equal(granted('sweep', 'lambda:InvokeFunction'), [arns.functions.stepper, arns.functions.efs]);
  assert.equal(rolesWith('ecs:ListTasks'), ['function stepper', 'function sweep', 'task job']);
  assert.ok(taskGrants('job', arns).filter((s) => s.Action.includes('ecs:ListTasks')).every((s) => s.Effect === 'Deny'));
  assert.equal(
    everyRole.filter(([, ss]) => ss.some((s) => s.Resource.includes(`${arns.bucket}/hyperp-state/*`))).map(([n]) => n),
    ['function planner', 'function stepper', 'function sweep', 'function api'],
  );
  // Only the calls their code makes: no table reads for the webhook, no S3 for task events.
  assert.equal(granted('webhook', 'dynamodb:GetItem'), []);
  assert.equal(functionGrants('task-events', arns).flatMap((s) => s.Action).filter((a) => a.startsWith('s3:')), []);
});

test('S3 objects are reached only under hyperp\'s prefixes; only the efs function writes zips, only the stepper build contexts, only the builder reads them', () => {
  const s3 = everyRole.flatMap(([name, ss]) => ss.filter((st) => st.Action.some((a) => a.startsWith('s3:'))).map((st) => [name, st.Action, st.Resource]));
  const prefixes = [`${arns.bucket}/hyperp-state/`, `${arns.bucket}/${DOWNLOADS_PREFIX}`, `${arns.bucket}/hyperp-contexts/`];
  assert.equal(
    s3.filter(([, actions, resources]) => !(actions as string[]).every((a) => a === 's3:ListBucket')
      && (resources as string[]).some((r) => !prefixes.some((p) => r.startsWith(p)))),
    [],
  );
  // Listing the bucket's key names (HeadObject's 404) is the stepper's alone.
  assert.equal(s3.filter(([, actions]) => (actions as string[]).includes('s3:ListBucket')).map(([n, a, r]) => [n, a, r]), [
    ['function stepper', ['s3:ListBucket'], [arns.bucket]],
  ]);
  assert.equal(s3.filter(([, , resources]) => (resources as string[]).includes(`${arns.bucket}/hyperp-contexts/*`)).map(([n, a]) => [n, a]), [
    ['function stepper', ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject']], ['task builder', ['s3:GetObject']],
  ]);
  // Nothing reaches the clone tokens earlier versions left; the bucket expires them.
  assert.equal(s3.filter(([, , resources]) => (resources as string[]).some((r) => r.includes('hyperp-build-env'))), []);
  const writers = (prefix: string) =>
    s3.filter(([, actions, resources]) => (actions as string[]).includes('s3:PutObject') && (resources as string[]).includes(`${arns.bucket}/${prefix}*`)).map(([n]) => n);
  assert.equal(writers(DOWNLOADS_PREFIX), ['function efs']);
  assert.equal(writers('hyperp-state/'), ['function planner', 'function stepper', 'function sweep', 'function api']);
});

test('the manifest\'s download prefix is the one the bucket expires', () => {
  assert.is(readPermissions().s3Prefixes.downloads, DOWNLOADS_PREFIX);
});

test('every role\'s policy has unique statement ids and fits IAM\'s inline policy size', () => {
  for (const [name, ss] of everyRole) {
    const sids = ss.map((st) => st.Sid);
    assert.equal(sids, [...new Set(sids)], name);
    // Inline policies of a role total at most 10,240 characters (IAM quotas, read 2026-11); ARNs
    // of a real deployment are a little longer than these, hence the margin.
    const size = JSON.stringify(policyDocument(ss)).length;
    assert.ok(size < 8_000, `${name}: ${size} characters`);
  }
});

test('a manifest naming a resource kind the platform does not know fails with its name', async () => {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const real = readPermissions(defaultContractDir());
  const dir = await mkdtemp(join(tmpdir(), 'hyperp-contract-'));
  const broken = { ...real, functions: { ...real.functions, efs: [{ sid: 'Everything', actions: ['s3:GetObject'], on: 'wholeAccount', why: '' }] } };
  await writeFile(join(dir, 'permissions.json'), JSON.stringify(broken));
  assert.throws(() => functionGrants('efs', arns, readPermissions(dir)), /resource kind "wholeAccount" that the platform does not know/);
  await writeFile(join(dir, 'permissions.json'), JSON.stringify({ ...real, functions: { webhook: [] } }));
  assert.throws(() => readPermissions(dir), /functions are webhook; the platform deploys webhook, planner, task-events, stepper, sweep, api, efs/);
});

test.run();
