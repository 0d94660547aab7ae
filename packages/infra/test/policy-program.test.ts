// The policy pack over everything the mocked program declares: the deployment passes every
// rule, and the same wiring reports a violation once a resource breaks one.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { policies } from '../src/policy/policies.js';
import {
  everyFunctionHasLogRetention,
  artifactsFileSystemClosed,
  jobTaskRoleHasNoControlPlaneAccess,
  buildRolesHoldNoCredentials,
  jobTaskRoleDeniesSecretsKey,
  noPublicBucket,
  noUnencryptedStorage,
  noWildcardTableActions,
  type ResourceView,
} from '../src/policy/rules.js';
import { REGION, captured, fakeBundles, installMocks, settle } from './support/mocks.js';

const bundles = await fakeBundles();
await installMocks({ 'aws:region': REGION, 'hyperp:githubAppId': '7', 'hyperp:bundlesDir': bundles }, 'dev');
await import('../src/program.js');
await settle();

interface Reported {
  readonly policy: string;
  readonly message: string;
  readonly urn?: string;
}

/** Runs every policy of the pack as Pulumi would: resource policies per resource, stack policies once. */
const runPack = async (resources: readonly ResourceView[]): Promise<Reported[]> => {
  const reported: Reported[] = [];
  for (const p of policies) {
    const collect: ReportViolation = (message, urn) => void reported.push({ policy: p.name, message, ...(urn ? { urn } : {}) });
    if ('validateStack' in p) {
      const args = { resources: resources.map((r) => ({ ...r, urn: r.urn ?? r.name })) } as unknown as StackValidationArgs;
      await (p as StackValidationPolicy).validateStack(args, collect);
    } else {
      const validate = (p as ResourceValidationPolicy).validateResource;
      for (const r of resources) {
        for (const v of [validate].flat()) if (v) await v({ ...r, urn: r.urn ?? r.name } as unknown as ResourceValidationArgs, collect);
      }
    }
  }
  return reported;
};

test('the program declares what the rules look at', () => {
  const types = new Set(captured.map((r) => r.type));
  for (const t of ['aws:iam/rolePolicy:RolePolicy', 'aws:s3/bucket:Bucket', 'aws:efs/fileSystem:FileSystem', 'aws:sqs/queue:Queue', 'aws:lambda/function:Function']) {
    assert.ok(types.has(t), t);
  }
  assert.is(captured.filter((r) => (r.props['tags'] as Record<string, string> | undefined)?.['hyperp:role'] === 'task:job').length, 1);
});

test('every rule passes on the deployed program', () => {
  assert.equal(captured.flatMap(noWildcardTableActions), []);
  assert.equal(noPublicBucket(captured), []);
  assert.equal(noUnencryptedStorage(captured), []);
  assert.equal(everyFunctionHasLogRetention(captured), []);
  assert.equal(jobTaskRoleHasNoControlPlaneAccess(captured), []);
  assert.equal(artifactsFileSystemClosed(captured), []);
  assert.equal(buildRolesHoldNoCredentials(captured), []);
  assert.equal(jobTaskRoleDeniesSecretsKey(captured), []);
  assert.is(captured.filter((r) => r.type === 'aws:kms/key:Key').length, 1);
  // The rule looks at both build roles of the program.
  assert.equal(captured.filter((r) => ['task:builder', 'task-execution'].includes((r.props['tags'] as Record<string, string> | undefined)?.['hyperp:role'] ?? '')).length, 2);
});

test('the policy pack reports nothing on the deployed program', async () => {
  assert.equal(await runPack(captured), []);
});

test('the policy pack reports a job role that reaches the table, and a function without retention', async () => {
  const jobRole = captured.find((r) => (r.props['tags'] as Record<string, string> | undefined)?.['hyperp:role'] === 'task:job')!;
  const roleName = String(jobRole.props['name']);
  const grant: ResourceView = {
    type: 'aws:iam/rolePolicy:RolePolicy',
    name: 'sneaky',
    urn: 'urn:sneaky',
    props: {
      role: roleName,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Runs', Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] }),
    },
  };
  const withoutRetention = captured.map((r) =>
    r.type === 'aws:cloudwatch/logGroup:LogGroup' && String(r.props['name']).endsWith('/functions/api')
      ? { ...r, props: { ...r.props, retentionInDays: undefined } }
      : r,
  );
  assert.equal(await runPack([...withoutRetention, grant]), [
    { policy: 'no-wildcard-table-actions', message: 'statement Runs allows dynamodb:* on *: name the DynamoDB actions one by one' },
    {
      policy: 'function-log-retention',
      message: 'function hyperp-dev-api logs to /hyperp/hyperp-dev/functions/api, which keeps logs forever (set retentionInDays)',
      urn: 'hyperp-dev-api',
    },
    {
      policy: 'job-task-role-no-control-plane',
      message: `job task role ${roleName} allows dynamodb:*: user jobs must not reach hyperp's control plane`,
      urn: 'hyperp-dev-task-job',
    },
  ]);
});

test('the policy pack reports a secrets key that does not rotate and a job role without its Deny', async () => {
  const jobPolicy = captured.find((r) => r.type === 'aws:iam/rolePolicy:RolePolicy' && r.name === 'hyperp-dev-task-job')!;
  const doc = JSON.parse(String(jobPolicy.props['policy'])) as { Statement: { Sid: string }[] };
  const broken = captured.map((r) =>
    r === jobPolicy
      ? { ...r, props: { ...r.props, policy: JSON.stringify({ ...doc, Statement: doc.Statement.filter((s) => s.Sid !== 'NoSecretsKey') }) } }
      : r.type === 'aws:kms/key:Key' ? { ...r, props: { ...r.props, enableKeyRotation: false } } : r,
  );
  assert.equal(await runPack(broken), [
    { policy: 'secrets-key-rotates', message: 'KMS key hyperp-dev-secrets does not rotate (set enableKeyRotation: true)' },
    {
      policy: 'job-task-role-denies-secrets-key',
      message: "job task role hyperp-dev-task-job-a1b2c3d does not deny kms:* on KMS key hyperp-dev-secrets: a policy attached to it could let jobs use the key of every repository's secrets",
      urn: 'hyperp-dev-task-job',
    },
  ]);
});

test('the policy pack reports a builder role that reaches the run states', async () => {
  const builderRole = captured.find((r) => (r.props['tags'] as Record<string, string> | undefined)?.['hyperp:role'] === 'task:builder')!;
  const roleName = String(builderRole.props['name']);
  const grant: ResourceView = {
    type: 'aws:iam/rolePolicy:RolePolicy', name: 'wide', urn: 'urn:wide',
    props: { role: roleName, policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] }) },
  };
  assert.equal(await runPack([...captured, grant]), [{
    policy: 'build-roles-hold-no-credentials',
    message: `build role ${roleName} allows s3:GetObject on arn:aws:s3:::b/*: a build runs the repository's code and may read only its context (s3:GetObject on */hyperp-contexts/*)`,
    urn: 'hyperp-dev-task-builder',
  }]);
});

test.run();
