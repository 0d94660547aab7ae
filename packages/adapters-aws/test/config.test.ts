import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, environmentVariables, loadConfig, type AwsConfig } from '../src/config.js';
import { testEnv } from './support/env.js';

const load = suite('loadConfig');

load('reads every variable of the contract, splitting the id lists', () => {
  assert.equal(loadConfig({ ...testEnv, HYPERP_PRICE_REGION: 'eu-west-1' }), {
    tableName: 'hyperp-test',
    artifactsBucket: 'hyperp-artifacts-test',
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/hyperp',
    efsFileSystemId: 'fs-0123',
    ecrRepositoryUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/hyperp',
    taskExecutionRoleArn: 'arn:aws:iam::123456789012:role/hyperp-exec',
    jobTaskRoleArn: 'arn:aws:iam::123456789012:role/hyperp-job',
    builderTaskRoleArn: 'arn:aws:iam::123456789012:role/hyperp-builder',
    builderImage: 'martizih/kaniko:v1.26.0',
    taskLogGroup: '/hyperp/tasks',
    githubAppId: '4242',
    githubPrivateKeySecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gh-key',
    webhookSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gh-webhook',
    secretsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    plannerFunctionName: 'hyperp-planner',
    stepperFunctionName: 'hyperp-stepper',
    efsFunctionName: 'hyperp-efs',
    schedulerGroupName: 'hyperp',
    schedulerRoleArn: 'arn:aws:iam::123456789012:role/hyperp-scheduler',
    manualRunFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:hyperp-api',
    wakeupQueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/hyperp-wakeups',
    subnetIds: ['subnet-aaa', 'subnet-bbb'],
    securityGroupIds: ['sg-123'],
    assignPublicIp: 'ENABLED',
    efsRootDirectory: '/hyperp',
    familyPrefix: 'hyperp',
    priceRegion: 'eu-west-1',
    region: 'us-east-1',
  });
});

load('names every missing or malformed variable in one error', () => {
  const env = { ...testEnv, HYPERP_TABLE_NAME: undefined, HYPERP_SUBNET_IDS: ' ', HYPERP_ASSIGN_PUBLIC_IP: 'yes' };
  try {
    loadConfig(env);
    assert.unreachable('loadConfig accepted a broken environment');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.is(
      (e as Error).message,
      'hyperp is misconfigured: HYPERP_TABLE_NAME is not set; HYPERP_SUBNET_IDS is not set; ' +
        'HYPERP_ASSIGN_PUBLIC_IP is "yes", expected ENABLED or DISABLED',
    );
  }
});

load('a list of only commas is malformed, not empty', () => {
  assert.throws(() => loadConfig({ ...testEnv, HYPERP_SECURITY_GROUP_IDS: ',,' }), /HYPERP_SECURITY_GROUP_IDS is ",,", expected a comma-separated list of ids/);
});

load('the environment manifest fills exactly the fields of AwsConfig', () => {
  // Listing every key is enforced by the type: a field added to AwsConfig must be added here,
  // and then to contract/environment.json for this test to pass.
  const fields: Record<Exclude<keyof AwsConfig, 'region'>, true> = {
    tableName: true, artifactsBucket: true, clusterArn: true, subnetIds: true, securityGroupIds: true, assignPublicIp: true,
    efsFileSystemId: true, ecrRepositoryUri: true, taskExecutionRoleArn: true, jobTaskRoleArn: true,
    builderTaskRoleArn: true, builderImage: true, taskLogGroup: true, githubAppId: true,
    githubPrivateKeySecretArn: true, webhookSecretArn: true, secretsKeyArn: true, plannerFunctionName: true, stepperFunctionName: true,
    efsFunctionName: true, schedulerGroupName: true, schedulerRoleArn: true, manualRunFunctionArn: true, wakeupQueueUrl: true, priceRegion: true, secretsManagers: true,
    efsRootDirectory: true, familyPrefix: true,
  };
  assert.equal(environmentVariables.map((v) => v.field).sort(), Object.keys(fields).sort());
  assert.equal(new Set(environmentVariables.map((v) => v.name)).size, environmentVariables.length);
});

load('optional variables: a default when unset, left out when they have none', () => {
  const c = loadConfig(testEnv);
  assert.is(c.efsRootDirectory, '/hyperp');
  assert.not.ok('priceRegion' in c);
  assert.is(loadConfig({ ...testEnv, HYPERP_EFS_ROOT_DIRECTORY: '/elsewhere' }).efsRootDirectory, '/elsewhere');
});

load.run();
