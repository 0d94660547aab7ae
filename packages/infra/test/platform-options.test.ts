// The Platform component with every option away from its default: private subnets behind NAT,
// short retention, data not retained, a user policy for jobs, bigger stepper.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACCOUNT, fakeBundles, installMocks, ofType, one, settle, valueOf } from './support/mocks.js';
import { pick } from './support/pick.js';

const bundles = await fakeBundles();
await installMocks({}, 'staging');
const { Platform } = await import('../src/platform.js');
const platform = new Platform('acme', {
  githubAppId: '99',
  region: 'eu-west-1',
  network: { mode: 'private', availabilityZones: 3, cidrBlock: '10.20.0.0/16', natGateways: 'perAz' },
  builderImage: 'registry.example.com/kaniko:1.2.3',
  imageExpiryDays: 14,
  downloadExpiryDays: 3,
  efsTransitionToIaDays: 7,
  logRetentionDays: 7,
  retainData: false,
  jobTaskPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/jobs-read-data`],
  bundlesDir: bundles,
  functions: { stepper: { memorySize: 2048 }, api: { timeout: 60 } },
  containerInsights: true,
  tags: { team: 'data' },
});
await settle();

test('private mode: private subnets behind one NAT gateway per zone, tasks without public IPs', () => {
  assert.equal(pick(one('awsx:ec2:Vpc', 'acme-vpc').inputs, ['numberOfAvailabilityZones', 'subnetSpecs', 'natGateways', 'cidrBlock']), {
    numberOfAvailabilityZones: 3,
    subnetSpecs: [{ type: 'Public' }, { type: 'Private' }],
    natGateways: { strategy: 'OnePerAz' },
    cidrBlock: '10.20.0.0/16',
  });
  assert.equal(ofType('aws:efs/mountTarget:MountTarget').map((m) => m.inputs['subnetId']), ['subnet-private-0', 'subnet-private-1', 'subnet-private-2']);
  const env = (one('aws:lambda/function:Function', 'acme-stepper').inputs['environment'] as { variables: Record<string, string> }).variables;
  assert.equal(pick(env, ['HYPERP_SUBNET_IDS', 'HYPERP_ASSIGN_PUBLIC_IP', 'HYPERP_BUILDER_IMAGE', 'HYPERP_PRICE_REGION']), {
    HYPERP_SUBNET_IDS: 'subnet-private-0,subnet-private-1,subnet-private-2',
    HYPERP_ASSIGN_PUBLIC_IP: 'DISABLED',
    HYPERP_BUILDER_IMAGE: 'registry.example.com/kaniko:1.2.3',
  });
});

test('periods: log retention, image expiry, download expiry and IA transition follow the options', () => {
  assert.equal([...new Set(ofType('aws:cloudwatch/logGroup:LogGroup').map((g) => g.inputs['retentionInDays']))], [7]);
  const lifecycle = JSON.parse(String(one('aws:ecr/lifecyclePolicy:LifecyclePolicy', 'acme-images').inputs['policy']));
  assert.is(lifecycle.rules[0].selection.countNumber, 14);
  const rules = one('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'acme-downloads').inputs['rules'] as { expiration?: { days: number } }[];
  assert.equal(rules[0]!.expiration, { days: 3 });
  assert.equal(one('aws:efs/fileSystem:FileSystem', 'acme-artifacts').inputs['lifecyclePolicies'], [
    { transitionToIa: 'AFTER_7_DAYS' },
    { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
  ]);
});

test('retainData false: the table is unprotected, the bucket and repository may be emptied on destroy', () => {
  assert.is(one('aws:dynamodb/table:Table', 'acme-runs').inputs['deletionProtectionEnabled'], false);
  assert.is(one('aws:s3/bucket:Bucket', 'acme-downloads').inputs['forceDestroy'], true);
  assert.is(one('aws:ecr/repository:Repository', 'acme-images').inputs['forceDelete'], true);
});

test('the user\'s job policy is attached to the job task role only', () => {
  assert.equal(
    ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment').map((a) => pick(a.inputs, ['role', 'policyArn'])),
    [{ role: 'acme-task-job-a1b2c3d', policyArn: `arn:aws:iam::${ACCOUNT}:policy/jobs-read-data` }],
  );
});

test('function sizes, bundles path, Container Insights and tags', async () => {
  assert.equal(
    ofType('aws:lambda/function:Function').map((f) => [f.name, f.inputs['memorySize'], f.inputs['timeout']]),
    [
      ['acme-webhook', 256, 10],
      ['acme-planner', 1024, 300],
      ['acme-task-events', 256, 30],
      ['acme-stepper', 2048, 300],
      ['acme-sweep', 512, 60],
      ['acme-api', 512, 60],
      ['acme-efs', 1024, 900],
    ],
  );
  assert.is(await (one('aws:lambda/function:Function', 'acme-api').inputs['code'] as { path: Promise<string> }).path, `${bundles}/api`);
  assert.equal(one('aws:ecs/cluster:Cluster', 'acme-cluster').inputs['settings'], [{ name: 'containerInsights', value: 'enabled' }]);
  assert.equal(one('aws:dynamodb/table:Table', 'acme-runs').inputs['tags'], { team: 'data', 'hyperp:deployment': 'acme' });
  assert.equal(
    (one('awsx:ec2:Vpc', 'acme-vpc').inputs['vpcEndpointSpecs'] as { serviceName: string }[]).map((e) => e.serviceName),
    ['com.amazonaws.eu-west-1.s3', 'com.amazonaws.eu-west-1.dynamodb'],
  );
  assert.match(await valueOf(platform.nextSteps), 'https://acme-webhook.lambda-url.');
});

test('a bundles directory without the bundles stops the component, naming what is missing', () => {
  assert.throws(
    () => new Platform('nobundles', { githubAppId: '1', region: 'eu-west-1', bundlesDir: '/nonexistent/bundles' }),
    (e: Error) =>
      e.message ===
      `the Lambda bundles are not built (missing ${['webhook', 'planner', 'task-events', 'stepper', 'sweep', 'api', 'efs'].map((fn) => `/nonexistent/bundles/${fn}/index.mjs`).join(', ')}); run \`pnpm --filter @hyperp/adapters-aws bundle\` from the repository root, or point bundlesDir at them`,
  );
});

test.run();
