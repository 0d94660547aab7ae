// The per-account program under Pulumi mocks: every resource hyperp needs, with the properties
// that matter for safety and for the handlers' contract.
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACCOUNT, REGION, captured, fakeBundles, installMocks, ofType, one, settle, valueOf } from './support/mocks.js';
import { json, pick } from './support/pick.js';

const bundles = await fakeBundles();
await installMocks({ 'aws:region': REGION, 'hyperp:githubAppId': '424242', 'hyperp:bundlesDir': bundles, 'hyperp:priceRegion': 'us-west-2' }, 'prod');
const program = await import('../src/program.js');
await settle();

const P = 'hyperp-prod';
const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
const roleArn = (logical: string) => `arn:aws:iam::${ACCOUNT}:role/${logical}-a1b2c3d`;
const tableArn = arn('dynamodb', `table/${P}-runs-a1b2c3d`);
const bucket = `${P}-downloads-a1b2c3d`;
const clusterArn = arn('ecs', `cluster/${P}-cluster-a1b2c3d`);
const keyArn = arn('kms', 'key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
const FUNCTIONS = ['webhook', 'planner', 'task-events', 'stepper', 'sweep', 'api', 'efs'];

test('the run table: on demand, point-in-time recovery, TTL, NEW_IMAGE stream, gsi1 — as the AWS contract says', () => {
  const t = one('aws:dynamodb/table:Table', `${P}-runs`);
  assert.equal(
    pick(t.inputs, ['billingMode', 'hashKey', 'rangeKey', 'attributes', 'globalSecondaryIndexes', 'ttl', 'pointInTimeRecovery', 'streamEnabled', 'streamViewType', 'deletionProtectionEnabled']),
    {
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'pk',
      rangeKey: 'sk',
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
        { name: 'gsi1pk', type: 'S' },
        { name: 'gsi1sk', type: 'S' },
      ],
      globalSecondaryIndexes: [{ name: 'gsi1', hashKey: 'gsi1pk', rangeKey: 'gsi1sk', projectionType: 'ALL' }],
      ttl: { attributeName: 'ttl', enabled: true },
      pointInTimeRecovery: { enabled: true },
      streamEnabled: true,
      streamViewType: 'NEW_IMAGE',
      deletionProtectionEnabled: true,
    },
  );
});

test('the downloads bucket: public access blocked, SSE, owner-enforced, zips expire, TLS only', () => {
  const forBucket = (type: string) => pick(one(type, `${P}-downloads`).inputs, ['bucket', 'blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets', 'rules', 'rule']);
  assert.equal(forBucket('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock'), {
    bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  assert.equal(forBucket('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration'), {
    bucket,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  });
  assert.equal(forBucket('aws:s3/bucketOwnershipControls:BucketOwnershipControls'), { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  assert.equal(forBucket('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration'), {
    bucket,
    rules: [
      { id: 'expire-downloads', status: 'Enabled', filter: { prefix: 'hyperp-artifacts/' }, expiration: { days: 30 } },
      { id: 'expire-build-contexts', status: 'Enabled', filter: { prefix: 'hyperp-contexts/' }, expiration: { days: 7 } },
      { id: 'expire-old-build-env', status: 'Enabled', filter: { prefix: 'hyperp-build-env/' }, expiration: { days: 1 } },
      { id: 'abort-incomplete-uploads', status: 'Enabled', filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
    ],
  });
  assert.equal(json(one('aws:s3/bucketPolicy:BucketPolicy', `${P}-downloads`).inputs['policy']), {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
  assert.is(one('aws:s3/bucket:Bucket', `${P}-downloads`).inputs['forceDestroy'], false);
});

test('the artifacts file system: encrypted, elastic throughput, to IA after 30 days, a mount target per task subnet, the hyperp access point', () => {
  assert.equal(pick(one('aws:efs/fileSystem:FileSystem', `${P}-artifacts`).inputs, ['encrypted', 'throughputMode', 'lifecyclePolicies']), {
    encrypted: true,
    // Bursting's baseline follows the Standard-class size, which IA transitions shrink toward zero.
    throughputMode: 'elastic',
    lifecyclePolicies: [{ transitionToIa: 'AFTER_30_DAYS' }, { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }],
  });
  assert.equal(
    ofType('aws:efs/mountTarget:MountTarget').map((m) => pick(m.inputs, ['fileSystemId', 'subnetId', 'securityGroups'])),
    [0, 1].map((i) => ({ fileSystemId: 'fs-0123abcd', subnetId: `subnet-public-${i}`, securityGroups: [`sg-${P}-efs`] })),
  );
  assert.equal(pick(one('aws:efs/accessPoint:AccessPoint', `${P}-artifacts-root`).inputs, ['fileSystemId', 'posixUser', 'rootDirectory']), {
    fileSystemId: 'fs-0123abcd',
    posixUser: { uid: 1000, gid: 1000 },
    rootDirectory: { path: '/hyperp', creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: '0755' } },
  });
});

test('network: public subnets without NAT by default; NFS reaches the file system only from tasks and the efs function, which reaches S3 and DynamoDB', () => {
  assert.equal(
    pick(one('awsx:ec2:Vpc', `${P}-vpc`).inputs, ['numberOfAvailabilityZones', 'subnetSpecs', 'natGateways', 'cidrBlock', 'vpcEndpointSpecs', 'vpcEndpointStrategy']),
    {
      numberOfAvailabilityZones: 2,
      subnetSpecs: [{ type: 'Public' }],
      natGateways: { strategy: 'None' },
      cidrBlock: '10.0.0.0/16',
      vpcEndpointSpecs: [
        { serviceName: `com.amazonaws.${REGION}.s3`, vpcEndpointType: 'Gateway' },
        { serviceName: `com.amazonaws.${REGION}.dynamodb`, vpcEndpointType: 'Gateway' },
      ],
      vpcEndpointStrategy: 'Auto',
    },
  );
  const rules = [...ofType('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule'), ...ofType('aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule')];
  assert.equal(
    // Registration order follows when inputs resolve (a prefix list is looked up), so by name.
    rules
      .map((r) => [r.name, pick(r.inputs, ['securityGroupId', 'referencedSecurityGroupId', 'cidrIpv4', 'prefixListId', 'ipProtocol', 'fromPort', 'toPort'])])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
    [
      [`${P}-efs-from-efs-function`, { securityGroupId: `sg-${P}-efs`, referencedSecurityGroupId: `sg-${P}-efs-function`, ipProtocol: 'tcp', fromPort: 2049, toPort: 2049 }],
      [`${P}-efs-from-tasks`, { securityGroupId: `sg-${P}-efs`, referencedSecurityGroupId: `sg-${P}-tasks`, ipProtocol: 'tcp', fromPort: 2049, toPort: 2049 }],
      // The efs function reaches S3 and DynamoDB (zips, their results) through the gateway endpoints.
      [`${P}-efs-function-to-dynamodb`, { securityGroupId: `sg-${P}-efs-function`, prefixListId: 'pl-dynamodb', ipProtocol: 'tcp', fromPort: 443, toPort: 443 }],
      [`${P}-efs-function-to-efs`, { securityGroupId: `sg-${P}-efs-function`, referencedSecurityGroupId: `sg-${P}-efs`, ipProtocol: 'tcp', fromPort: 2049, toPort: 2049 }],
      [`${P}-efs-function-to-s3`, { securityGroupId: `sg-${P}-efs-function`, prefixListId: 'pl-s3', ipProtocol: 'tcp', fromPort: 443, toPort: 443 }],
      [`${P}-tasks-egress-ipv4`, { securityGroupId: `sg-${P}-tasks`, cidrIpv4: '0.0.0.0/0', ipProtocol: '-1' }],
    ],
  );
});

test('compute: Fargate and Fargate Spot; images immutable, scanned, expired by time since last pull', () => {
  assert.equal(pick(one('aws:ecs/clusterCapacityProviders:ClusterCapacityProviders', `${P}-cluster`).inputs, ['clusterName', 'capacityProviders']), {
    clusterName: `${P}-cluster-a1b2c3d`,
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
  });
  assert.equal(pick(one('aws:ecr/repository:Repository', `${P}-images`).inputs, ['imageTagMutability', 'imageScanningConfiguration', 'encryptionConfigurations']), {
    imageTagMutability: 'IMMUTABLE',
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfigurations: [{ encryptionType: 'AES256' }],
  });
  assert.equal(json(one('aws:ecr/lifecyclePolicy:LifecyclePolicy', `${P}-images`).inputs['policy']), {
    rules: [
      {
        rulePriority: 1,
        description: 'Expire images no task has pulled for 90 days',
        selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
        action: { type: 'expire' },
      },
    ],
  });
});

test('every log group has a retention: the tasks one and one per function', () => {
  assert.equal(
    ofType('aws:cloudwatch/logGroup:LogGroup').map((g) => pick(g.inputs, ['name', 'retentionInDays'])),
    [
      { name: `/hyperp/${P}/tasks`, retentionInDays: 30 },
      ...FUNCTIONS.map((fn) => ({ name: `/hyperp/${P}/functions/${fn}`, retentionInDays: 30 })),
    ],
  );
});

test('the secrets key: the deployment\'s own, rotating, with a deletion window, an alias and tags; usable only through Secrets Manager', () => {
  const key = one('aws:kms/key:Key', `${P}-secrets`);
  assert.equal(pick(key.inputs, ['keyUsage', 'customerMasterKeySpec', 'enableKeyRotation', 'deletionWindowInDays', 'tags']), {
    keyUsage: 'ENCRYPT_DECRYPT',
    customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    tags: { 'hyperp:deployment': P },
  });
  assert.equal(json(key.inputs['policy']), {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AccountAdministers', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
      {
        Sid: 'OnlyThroughSecretsManager', Effect: 'Deny', Principal: { AWS: '*' },
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'], Resource: '*',
        Condition: { StringNotEquals: { 'kms:ViaService': `secretsmanager.${REGION}.amazonaws.com` } },
      },
    ],
  });
  assert.equal(pick(one('aws:kms/alias:Alias', `${P}-secrets`).inputs, ['name', 'targetKeyId']), { name: `alias/${P}-secrets`, targetKeyId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' });
  // The GitHub App's secrets are under it too.
  assert.equal(ofType('aws:secretsmanager/secret:Secret').map((sec) => [sec.name, sec.inputs['kmsKeyId']]), [
    [`${P}-github-app-private-key`, keyArn],
    [`${P}-github-webhook-secret`, keyArn],
  ]);
});

const expectedEnvironment = {
  HYPERP_TABLE_NAME: `${P}-runs-a1b2c3d`,
  HYPERP_ARTIFACTS_BUCKET: bucket,
  HYPERP_CLUSTER_ARN: clusterArn,
  HYPERP_SUBNET_IDS: 'subnet-public-0,subnet-public-1',
  HYPERP_SECURITY_GROUP_IDS: `sg-${P}-tasks`,
  HYPERP_ASSIGN_PUBLIC_IP: 'ENABLED',
  HYPERP_EFS_FILE_SYSTEM_ID: 'fs-0123abcd',
  HYPERP_EFS_ROOT_DIRECTORY: '/hyperp',
  HYPERP_FAMILY_PREFIX: P,
  HYPERP_ECR_REPOSITORY_URI: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${P}-images-a1b2c3d`,
  HYPERP_TASK_EXECUTION_ROLE_ARN: roleArn(`${P}-task-execution`),
  HYPERP_JOB_TASK_ROLE_ARN: roleArn(`${P}-task-job`),
  HYPERP_BUILDER_TASK_ROLE_ARN: roleArn(`${P}-task-builder`),
  HYPERP_BUILDER_IMAGE: 'ghcr.io/kaniko-build/dist/mzihlmann-kaniko/executor:v1.24.3',
  HYPERP_TASK_LOG_GROUP: `/hyperp/${P}/tasks`,
  HYPERP_GITHUB_APP_ID: '424242',
  HYPERP_GITHUB_PRIVATE_KEY_SECRET_ARN: arn('secretsmanager', `secret:${P}-github-app-private-key-a1b2c3d-AbCdEf`),
  HYPERP_WEBHOOK_SECRET_ARN: arn('secretsmanager', `secret:${P}-github-webhook-secret-a1b2c3d-AbCdEf`),
  HYPERP_SECRETS_KEY_ARN: keyArn,
  HYPERP_PLANNER_FUNCTION_NAME: `${P}-planner`,
  HYPERP_STEPPER_FUNCTION_NAME: `${P}-stepper`,
  HYPERP_EFS_FUNCTION_NAME: `${P}-efs`,
  HYPERP_SCHEDULER_GROUP_NAME: `${P}-cron-a1b2c3d`,
  HYPERP_SCHEDULER_ROLE_ARN: roleArn(`${P}-cron`),
  HYPERP_MANUAL_RUN_FUNCTION_ARN: arn('lambda', `function:${P}-api`),
  HYPERP_WAKEUP_QUEUE_URL: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${P}-wakeups-a1b2c3d`,
  HYPERP_PRICE_REGION: 'us-west-2',
};

test('functions: Node.js 22 on arm64 from the bundles, own role, own log group, exactly the contract environment', async () => {
  const fns = ofType('aws:lambda/function:Function');
  assert.equal(fns.map((f) => f.name), FUNCTIONS.map((fn) => `${P}-${fn}`));
  for (const [i, f] of fns.entries()) {
    const fn = FUNCTIONS[i]!;
    assert.equal(
      pick(f.inputs, ['name', 'runtime', 'architectures', 'handler', 'role', 'environment', 'loggingConfig']),
      {
        name: `${P}-${fn}`,
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
        handler: 'index.handler',
        role: roleArn(`${P}-fn-${fn}`),
        environment: { variables: expectedEnvironment },
        loggingConfig: { logFormat: 'Text', logGroup: `/hyperp/${P}/functions/${fn}` },
      },
      fn,
    );
    const code = f.inputs['code'] as { path: unknown };
    assert.is(await code.path, join(bundles, fn), `${fn} code`);
  }
});

test('the efs function runs in the task subnets with NFS-only access and the access point at /mnt/hyperp', () => {
  assert.equal(pick(one('aws:lambda/function:Function', `${P}-efs`).inputs, ['vpcConfig', 'fileSystemConfig']), {
    vpcConfig: { subnetIds: ['subnet-public-0', 'subnet-public-1'], securityGroupIds: [`sg-${P}-efs-function`] },
    fileSystemConfig: { arn: arn('elasticfilesystem', 'access-point/fsap-0123abcd'), localMountPath: '/mnt/hyperp' },
  });
});

test('function URLs: the webhook is public (the handler checks signatures), the API needs IAM', () => {
  assert.equal(
    ofType('aws:lambda/functionUrl:FunctionUrl').map((u) => pick(u.inputs, ['functionName', 'authorizationType'])),
    [
      { functionName: `${P}-webhook`, authorizationType: 'NONE' },
      { functionName: `${P}-api`, authorizationType: 'AWS_IAM' },
    ],
  );
});

test('ECS task state changes of this cluster only reach task-events, with retries and a dead-letter queue', () => {
  const rule = one('aws:cloudwatch/eventRule:EventRule', `${P}-task-state`);
  assert.equal(json(rule.inputs['eventPattern']), {
    source: ['aws.ecs'],
    'detail-type': ['ECS Task State Change'],
    detail: { clusterArn: [clusterArn] },
  });
  const dlq = arn('sqs', `${P}-dead-letters-a1b2c3d`);
  assert.equal(pick(one('aws:cloudwatch/eventTarget:EventTarget', `${P}-task-state`).inputs, ['rule', 'arn', 'retryPolicy', 'deadLetterConfig']), {
    rule: `${P}-task-state-a1b2c3d`,
    arn: arn('lambda', `function:${P}-task-events`),
    retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
    deadLetterConfig: { arn: dlq },
  });
  assert.equal(pick(one('aws:lambda/permission:Permission', `${P}-task-state`).inputs, ['function', 'action', 'principal', 'sourceArn']), {
    function: `${P}-task-events`,
    action: 'lambda:InvokeFunction',
    principal: 'events.amazonaws.com',
    sourceArn: arn('events', `rule/${P}-task-state-a1b2c3d`),
  });
  assert.equal(json(one('aws:sqs/queuePolicy:QueuePolicy', `${P}-dead-letters`).inputs['policy']), {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EventBridgeDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: dlq,
        Condition: { ArnEquals: { 'aws:SourceArn': arn('events', `rule/${P}-task-state-a1b2c3d`) } },
      },
    ],
  });
  assert.equal(pick(one('aws:sqs/queue:Queue', `${P}-dead-letters`).inputs, ['sqsManagedSseEnabled', 'messageRetentionSeconds']), {
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: 1209600,
  });
});

test('the sweep runs every minute; the stepper reads new event items from the stream', () => {
  assert.equal(pick(one('aws:scheduler/schedule:Schedule', `${P}-sweep`).inputs, ['scheduleExpression', 'flexibleTimeWindow', 'target']), {
    scheduleExpression: 'rate(1 minute)',
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: arn('lambda', `function:${P}-sweep`),
      roleArn: roleArn(`${P}-sweep-schedule`),
      input: '{"kind":"sweep"}',
      retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
      deadLetterConfig: { arn: arn('sqs', `${P}-dead-letters-a1b2c3d`) },
    },
  });
  const esm = one('aws:lambda/eventSourceMapping:EventSourceMapping', `${P}-stepper-stream`).inputs;
  assert.equal(pick(esm, ['eventSourceArn', 'functionName', 'startingPosition', 'functionResponseTypes', 'bisectBatchOnFunctionError']), {
    eventSourceArn: `${tableArn}/stream/2026-11-22T07:00:00.000`,
    functionName: `${P}-stepper`,
    startingPosition: 'TRIM_HORIZON',
    functionResponseTypes: ['ReportBatchItemFailures'],
    bisectBatchOnFunctionError: true,
  });
  const filters = (esm['filterCriteria'] as { filters: { pattern: string }[] }).filters;
  assert.equal(filters.map((f) => json(f.pattern)), [{ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'EV#' }] } } } }]);
  assert.ok(one('aws:scheduler/scheduleGroup:ScheduleGroup', `${P}-cron`));
});

test('asynchronous invocations that keep failing go to the dead-letter queue, sent with each function\'s role', () => {
  const dlq = arn('sqs', `${P}-dead-letters-a1b2c3d`);
  assert.equal(
    ofType('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig').map((c) =>
      pick(c.inputs, ['functionName', 'maximumRetryAttempts', 'destinationConfig']),
    ),
    ['planner', 'task-events', 'stepper', 'efs'].map((fn) => ({
      functionName: `${P}-${fn}`, maximumRetryAttempts: 2, destinationConfig: { onFailure: { destination: dlq } },
    })),
  );
  for (const fn of ['planner', 'task-events', 'stepper', 'efs']) {
    const policy = json(one('aws:iam/rolePolicy:RolePolicy', `${P}-fn-${fn}`).inputs['policy']) as { Statement: { Action: string[]; Resource: string[] }[] };
    assert.ok(policy.Statement.some((st) => st.Action.includes('sqs:SendMessage') && st.Resource.includes(dlq)), fn);
  }
});

test('delayed wake-ups: an encrypted queue the stepper receives from, failing messages dead-lettered', () => {
  assert.equal(pick(one('aws:sqs/queue:Queue', `${P}-wakeups`).inputs, ['sqsManagedSseEnabled', 'visibilityTimeoutSeconds', 'redrivePolicy']), {
    sqsManagedSseEnabled: true,
    visibilityTimeoutSeconds: 300,
    redrivePolicy: JSON.stringify({ deadLetterTargetArn: arn('sqs', `${P}-dead-letters-a1b2c3d`), maxReceiveCount: 5 }),
  });
  assert.equal(pick(one('aws:lambda/eventSourceMapping:EventSourceMapping', `${P}-stepper-wakeups`).inputs, ['eventSourceArn', 'functionName', 'batchSize', 'functionResponseTypes']), {
    eventSourceArn: arn('sqs', `${P}-wakeups-a1b2c3d`),
    functionName: `${P}-stepper`,
    batchSize: 10,
    functionResponseTypes: ['ReportBatchItemFailures'],
  });
  const stepperPolicy = json(one('aws:iam/rolePolicy:RolePolicy', `${P}-fn-stepper`).inputs['policy']) as { Statement: { Sid: string; Action: string[]; Resource: string[] }[] };
  assert.equal(
    stepperPolicy.Statement.filter((st) => st.Resource.includes(arn('sqs', `${P}-wakeups-a1b2c3d`))).map((st) => [st.Sid, st.Action]),
    [['ReceiveWakeUps', ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']], ['WakeUps', ['sqs:SendMessage']]],
  );
});

test('roles: one per function, task kind, execution and schedule; each trusts only its service', () => {
  const roles = ofType('aws:iam/role:Role');
  const expected = [
    ...FUNCTIONS.map((fn) => [`${P}-fn-${fn}`, 'lambda.amazonaws.com', `function:${fn}`]),
    ...['job', 'builder'].map((k) => [`${P}-task-${k}`, 'ecs-tasks.amazonaws.com', `task:${k}`]),
    [`${P}-task-execution`, 'ecs-tasks.amazonaws.com', 'task-execution'],
    [`${P}-cron`, 'scheduler.amazonaws.com', 'scheduler'],
    [`${P}-sweep-schedule`, 'scheduler.amazonaws.com', 'sweep-schedule'],
  ];
  assert.equal(
    roles.map((r) => {
      const trust = json(r.inputs['assumeRolePolicy']) as { Statement: { Principal: { Service: string } }[] };
      return [r.name, trust.Statement[0]!.Principal.Service, (r.inputs['tags'] as Record<string, string>)['hyperp:role']];
    }),
    expected,
  );
  // The source-account guard where the service documents it (task roles, schedules); none where
  // the service's documented trust has none (functions, the task execution role).
  const guard = { StringEquals: { 'aws:SourceAccount': ACCOUNT } };
  assert.equal(
    roles.map((r) => [r.name, (json(r.inputs['assumeRolePolicy']) as { Statement: { Condition?: unknown }[] }).Statement.map((st) => st.Condition ?? null)]),
    [
      ...FUNCTIONS.map((fn) => [`${P}-fn-${fn}`, [null]]),
      [`${P}-task-job`, [guard]],
      [`${P}-task-builder`, [guard]],
      [`${P}-task-execution`, [null]],
      [`${P}-cron`, [guard]],
      [`${P}-sweep-schedule`, [guard]],
    ],
  );
  const policies = ofType('aws:iam/rolePolicy:RolePolicy');
  assert.equal(policies.map((p) => [p.name, p.inputs['role']]), expected.map(([name]) => [name, `${name}-a1b2c3d`]));
});

const fsArn = arn('elasticfilesystem', 'file-system/fs-0123abcd');
const helperAp = arn('elasticfilesystem', 'access-point/fsap-0123abcd');

test('the job task role may only mount the artifacts file system through an access point other than the efs function\'s, without root', () => {
  assert.equal(json(one('aws:iam/rolePolicy:RolePolicy', `${P}-task-job`).inputs['policy']), {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ArtifactsThroughAccessPoints',
        Effect: 'Allow',
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        Resource: [fsArn],
        Condition: { Null: { 'elasticfilesystem:AccessPointArn': 'false' }, Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
      },
      {
        Sid: 'NotTheHelpersAccessPoint',
        Effect: 'Deny',
        Action: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite', 'elasticfilesystem:ClientRootAccess'],
        Resource: [fsArn],
        Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': helperAp } },
      },
      {
        Sid: 'NoAccessPointDiscovery',
        Effect: 'Deny',
        Action: ['elasticfilesystem:DescribeAccessPoints', 'ecs:DescribeTaskDefinition', 'ecs:DescribeTasks', 'ecs:ListTasks', 'cloudtrail:LookupEvents'],
        Resource: ['*'],
      },
      {
        Sid: 'NoRepositorySecrets',
        Effect: 'Deny',
        Action: [
          'secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue', 'secretsmanager:DescribeSecret',
          'secretsmanager:ListSecretVersionIds', 'secretsmanager:GetResourcePolicy', 'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecret', 'secretsmanager:DeleteSecret',
        ],
        Resource: [arn('secretsmanager', `secret:${P}/*`)],
      },
      { Sid: 'NoSecretListing', Effect: 'Deny', Action: ['secretsmanager:ListSecrets'], Resource: ['*'] },
      { Sid: 'NoSecretsKey', Effect: 'Deny', Action: ['kms:*'], Resource: [keyArn] },
    ],
  });
});

test('the artifacts file system\'s policy: TLS only, no root, no anonymous client, jobs only through access points that are not the efs function\'s', () => {
  const policy = one('aws:efs/fileSystemPolicy:FileSystemPolicy', `${P}-artifacts`);
  assert.is(policy.inputs['fileSystemId'], 'fs-0123abcd');
  const job = roleArn(`${P}-task-job`);
  const mountAndWrite = ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'];
  assert.equal(json(policy.inputs['policy']), {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: { AWS: '*' }, Action: '*', Resource: fsArn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Sid: 'NoRootAccess', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'elasticfilesystem:ClientRootAccess', Resource: fsArn },
      {
        Sid: 'AccountPrincipalsThroughMountTargets', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: mountAndWrite,
        Resource: fsArn, Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
      },
      {
        Sid: 'JobsOnlyThroughAccessPoints', Effect: 'Deny', Principal: { AWS: job }, Action: mountAndWrite,
        Resource: fsArn, Condition: { Null: { 'elasticfilesystem:AccessPointArn': 'true' } },
      },
      {
        Sid: 'JobsNotThroughTheHelpersAccessPoint', Effect: 'Deny', Principal: { AWS: job }, Action: mountAndWrite,
        Resource: fsArn, Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': helperAp } },
      },
    ],
  });
});

test('stack outputs: webhook URL, API URL, bucket, and next steps naming this deployment', async () => {
  assert.is(await valueOf(program.webhookUrl), `https://${P}-webhook.lambda-url.${REGION}.on.aws/`);
  assert.is(await valueOf(program.apiUrl), `https://${P}-api.lambda-url.${REGION}.on.aws/`);
  assert.is(await valueOf(program.bucketName), bucket);
  // What docs/deploy.md's cleanup of retained data names, and the CLI's configuration.
  assert.equal(
    await Promise.all([program.tableName, program.repositoryName, program.fileSystemId, program.region, program.clusterArn].map(valueOf)),
    [`${P}-runs-a1b2c3d`, `${P}-images-a1b2c3d`, 'fs-0123abcd', REGION, clusterArn],
  );
  assert.equal(Object.keys(program).sort(), [
    'apiUrl', 'bucketName', 'cliUserPolicyArn', 'clusterArn', 'deadLetterQueueUrl', 'fileSystemId', 'githubPrivateKeySecretArn',
    'nextSteps', 'region', 'repositoryName', 'repositoryUrl', 'secretsKeyArn', 'tableName', 'webhookSecretArn', 'webhookUrl',
  ]);
  const steps = await valueOf(program.nextSteps);
  for (const expected of [
    `Webhook URL:    https://${P}-webhook.lambda-url.${REGION}.on.aws/`,
    `--secret-id ${arn('secretsmanager', `secret:${P}-github-app-private-key-a1b2c3d-AbCdEf`)} --secret-string file://`,
    `--secret-id ${arn('secretsmanager', `secret:${P}-github-webhook-secret-a1b2c3d-AbCdEf`)} --secret-string "$WEBHOOK_SECRET"`,
    `export HYPERP_API_URL=https://${P}-api.lambda-url.${REGION}.on.aws/`,
    `arn:aws:iam::${ACCOUNT}:policy/${P}-cli-user-a1b2c3d`,
  ]) {
    assert.ok(steps.includes(expected), `next steps lack: ${expected}\n${steps}`);
  }
});

test('every resource is a child of the Platform component', () => {
  const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, unknown> };
  const urns = [...monitor.getRegisteredResources().keys()];
  assert.is(urns.length, captured.length);
  const outside = urns.filter((u) => !u.includes('::hyperp:index:Platform$') && !u.endsWith('::hyperp:index:Platform::hyperp'));
  assert.equal(outside, []);
});

test.run();
