// Options and stack config to settings, the handlers' environment, bundles and next steps.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { handlerEnvironment } from '../src/environment.js';
import { defaultBundlesDir, missingBundles } from '../src/functions.js';
import { nextSteps } from '../src/next-steps.js';
import { resolvePlatformArgs } from '../src/settings.js';
import { CONFIG_KEYS, defaultNamePrefix, readPlatformConfig } from '../src/stack-config.js';

const root = new URL('../../../', import.meta.url).pathname;

const resolve = suite('resolvePlatformArgs');

resolve('fills every default', () => {
  const s = resolvePlatformArgs('hyperp-dev', { githubAppId: '1', region: 'us-east-1' });
  assert.equal(s, {
    prefix: 'hyperp-dev',
    githubAppId: '1',
    network: { region: 'us-east-1', mode: 'public', availabilityZones: 2, cidrBlock: '10.0.0.0/16', natGateways: 'single' },
    storage: { availabilityZones: 2, retainData: true, downloadExpiryDays: 30, efsTransitionToIaDays: 30 },
    compute: { containerInsights: false, imageExpiryDays: 90, logRetentionDays: 30, retainData: true },
    builderImage: 'ghcr.io/kaniko-build/dist/mzihlmann-kaniko/executor:v1.24.3',
    logRetentionDays: 30,
    priceRegion: undefined,
    jobTaskPolicyArns: [],
    secretsManagers: [],
    bundlesDir: join(root, 'packages/adapters-aws/dist/bundles'),
    functions: {
      webhook: { memorySize: 256, timeout: 10 },
      planner: { memorySize: 1024, timeout: 300 },
      'task-events': { memorySize: 256, timeout: 30 },
      stepper: { memorySize: 1024, timeout: 300 },
      sweep: { memorySize: 512, timeout: 60 },
      api: { memorySize: 512, timeout: 300 },
      efs: { memorySize: 1024, timeout: 900 },
    },
    tags: { 'hyperp:deployment': 'hyperp-dev' },
  });
});

resolve('rejects wrong values, naming the option', () => {
  const base = { githubAppId: '1', region: 'us-east-1' };
  const cases: [object, string][] = [
    [{ namePrefix: 'Hyperp' }, 'namePrefix "Hyperp" must be 1 to 40 lowercase letters, digits and dashes, start with a letter and not end with a dash'],
    [{ namePrefix: 'a-' }, 'namePrefix "a-" must be 1 to 40 lowercase letters, digits and dashes, start with a letter and not end with a dash'],
    [{ region: undefined }, 'the AWS region is not set: set it with `pulumi config set aws:region <region>` (or AWS_REGION)'],
    [{ network: { mode: 'nat' } }, 'network.mode must be one of public, private, got nat'],
    [{ network: { availabilityZones: 1 } }, 'network.availabilityZones must be a whole number from 2 to 6, got 1'],
    [{ network: { cidrBlock: '10.0.0.0/8' } }, 'network.cidrBlock must be an IPv4 CIDR block from /16 to /24, got "10.0.0.0/8"'],
    [{ logRetentionDays: 10 }, 'logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, got 10'],
    [{ efsTransitionToIaDays: 2 }, 'efsTransitionToIaDays must be one of 1, 7, 14, 30, 60, 90, 180, 270, 365, got 2'],
    [{ imageExpiryDays: 0 }, 'imageExpiryDays must be a whole number from 1 to 3650, got 0'],
    [{ functions: { stepper: { memorySize: 64 } } }, 'functions.stepper.memorySize must be a whole number from 128 to 10240, got 64'],
    [{ functions: { api: { timeout: 901 } } }, 'functions.api.timeout must be a whole number from 1 to 900, got 901'],
    [{ functions: { builder: {} } }, 'functions.builder names no function; the functions are webhook, planner, task-events, stepper, sweep, api, efs'],
    [{ secretsManagers: { acme: ['arn:aws:iam::123456789012:role/r'] } }, 'secretsManagers: "acme" must be owner/name, owner/* or *'],
    [{ secretsManagers: { 'acme/*': [] } }, 'secretsManagers.acme/* must list IAM user or role ARNs'],
    [{ secretsManagers: { 'acme/*': ['arn:aws:iam::123456789012:group/g'] } }, 'secretsManagers.acme/*: "arn:aws:iam::123456789012:group/g" must be an IAM user or role ARN (arn:aws:iam::<account>:user/<name> or :role/<name>)'],
    [{ secretsManagers: 'acme/*' }, 'secretsManagers must map repositories to IAM user or role ARNs ({"acme/*": ["arn:aws:iam::<account>:role/<name>"]}), got "acme/*"'],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => resolvePlatformArgs('hyperp', { ...base, ...change }), (e: Error) => e.message === message, message);
  }
});

resolve.run();

const config = suite('readPlatformConfig');

const fakeConfig = (values: Record<string, string>) => ({
  require: (k: string) => {
    const v = values[k];
    if (v === undefined) throw new Error(`Missing required configuration variable 'hyperp:${k}'`);
    return v;
  },
  get: (k: string) => values[k],
  getNumber: (k: string) => (values[k] === undefined ? undefined : Number(values[k])),
  getBoolean: (k: string) => (values[k] === undefined ? undefined : values[k] === 'true'),
  getObject: <T>(k: string) => (values[k] === undefined ? undefined : (JSON.parse(values[k]!) as T)),
});

config('only the App id is required; the prefix follows the stack', () => {
  assert.equal(readPlatformConfig(fakeConfig({ githubAppId: '123' }), 'Prod'), {
    githubAppId: '123',
    namePrefix: 'hyperp-prod',
    network: {},
    bundlesDir: defaultBundlesDir(),
  });
});

config('every key reaches its option', () => {
  const values = {
    githubAppId: '123', namePrefix: 'acme', networkMode: 'private', availabilityZones: '3', cidrBlock: '10.1.0.0/16',
    natGateways: 'perAz', builderImage: 'kaniko:1', imageExpiryDays: '60', downloadExpiryDays: '7',
    efsTransitionToIaDays: '14', logRetentionDays: '90', retainData: 'false', priceRegion: 'us-east-1',
    jobTaskPolicyArns: '["arn:aws:iam::123456789012:policy/p"]', secretsManagers: '{"Acme/*":["arn:aws:iam::123456789012:role/admins"]}', bundlesDir: '/b', functions: '{"stepper":{"memorySize":2048}}',
    containerInsights: 'true', tags: '{"team":"data"}',
  };
  assert.equal(Object.keys(values), [...CONFIG_KEYS]);
  assert.equal(readPlatformConfig(fakeConfig(values), 'prod'), {
    githubAppId: '123',
    namePrefix: 'acme',
    network: { mode: 'private', availabilityZones: 3, cidrBlock: '10.1.0.0/16', natGateways: 'perAz' },
    bundlesDir: '/b',
    builderImage: 'kaniko:1',
    imageExpiryDays: 60,
    downloadExpiryDays: 7,
    efsTransitionToIaDays: 14,
    logRetentionDays: 90,
    retainData: false,
    priceRegion: 'us-east-1',
    jobTaskPolicyArns: ['arn:aws:iam::123456789012:policy/p'],
    secretsManagers: { 'Acme/*': ['arn:aws:iam::123456789012:role/admins'] },
    functions: { stepper: { memorySize: 2048 } },
    containerInsights: true,
    tags: { team: 'data' },
  });
});

config('the default prefix fits any stack name', () => {
  assert.equal(
    ['prod', 'My_Stack.2', 'org/proj/dev', 'x'.repeat(50)].map(defaultNamePrefix),
    ['hyperp-prod', 'hyperp-my-stack-2', 'hyperp-org-proj-dev', `hyperp-${'x'.repeat(33)}`],
  );
  for (const p of ['prod', 'My_Stack.2', 'trailing_'].map(defaultNamePrefix)) {
    assert.not.throws(() => resolvePlatformArgs('hyperp', { githubAppId: '1', region: 'us-east-1', namePrefix: p }), p);
  }
});

config('function sizes set with --path as text become numbers', () => {
  const read = readPlatformConfig(fakeConfig({ githubAppId: '1', functions: '{"stepper":{"memorySize":"2048","timeout":120}}' }), 'dev');
  assert.equal(read.functions, { stepper: { memorySize: 2048, timeout: 120 } });
});

config('an App id that is not a number is refused', () => {
  assert.throws(
    () => readPlatformConfig(fakeConfig({ githubAppId: 'my-app' }), 'dev'),
    (e: Error) => e.message === `hyperp:githubAppId must be the GitHub App's numeric id, got "my-app"`,
  );
});

config('job policies that are not a list of policy ARNs, and tags that are not text, are refused', () => {
  const refused = (values: Record<string, string>) => {
    try {
      readPlatformConfig(fakeConfig({ githubAppId: '1', ...values }), 'dev');
      return 'accepted';
    } catch (e) {
      return (e as Error).message;
    }
  };
  assert.equal(
    [
      refused({ jobTaskPolicyArns: '"arn:aws:iam::123456789012:policy/p"' }),
      refused({ jobTaskPolicyArns: '["arn:aws:iam::123456789012:role/r"]' }),
      refused({ tags: '{"team":1}' }),
      refused({ tags: '["a"]' }),
    ],
    [
      `hyperp:jobTaskPolicyArns must be a list of IAM policy ARNs (pulumi config set --path 'hyperp:jobTaskPolicyArns[0]' arn:aws:iam::<account>:policy/<name>), got "arn:aws:iam::123456789012:policy/p"`,
      `hyperp:jobTaskPolicyArns must be a list of IAM policy ARNs (pulumi config set --path 'hyperp:jobTaskPolicyArns[0]' arn:aws:iam::<account>:policy/<name>), got ["arn:aws:iam::123456789012:role/r"]`,
      `hyperp:tags must be an object of text values (pulumi config set --path 'hyperp:tags.team' platform), got {"team":1}`,
      `hyperp:tags must be an object of text values (pulumi config set --path 'hyperp:tags.team' platform), got ["a"]`,
    ],
  );
  const accepted = readPlatformConfig(
    fakeConfig({ githubAppId: '1', jobTaskPolicyArns: '["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess","arn:aws-us-gov:iam::123456789012:policy/path/p"]' }),
    'dev',
  );
  assert.equal(accepted.jobTaskPolicyArns, ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws-us-gov:iam::123456789012:policy/path/p']);
});

config('docs/deploy.md documents every config key', () => {
  const doc = readFileSync(join(root, 'docs/deploy.md'), 'utf8');
  assert.equal(CONFIG_KEYS.filter((k) => !doc.includes(`hyperp:${k}`)), []);
});

config('docs/deploy.md gives each config key the default the program uses, and a type that reads it', () => {
  const doc = readFileSync(join(root, 'docs/deploy.md'), 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\| `hyperp:(\w+)` \| (.+?) \| (.+?) \| .+ \|$/gm)].map((m) => [m[1]!, { type: m[2]!, default: m[3]! }]),
  );
  assert.equal([...rows.keys()], [...CONFIG_KEYS]);
  // The defaults as the program resolves them from a stack with nothing but the App id set.
  const read = readPlatformConfig(fakeConfig({ githubAppId: '1' }), 'prod');
  const s = resolvePlatformArgs('hyperp', { ...read, region: 'us-east-1' });
  const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
  const expected: Record<(typeof CONFIG_KEYS)[number], string> = {
    githubAppId: 'required',
    namePrefix: code(s.prefix.replace('prod', '<stack>')),
    networkMode: code(s.network.mode),
    availabilityZones: code(s.network.availabilityZones),
    cidrBlock: code(s.network.cidrBlock),
    natGateways: code(s.network.natGateways),
    builderImage: code(s.builderImage),
    imageExpiryDays: code(s.compute.imageExpiryDays),
    downloadExpiryDays: code(s.storage.downloadExpiryDays),
    efsTransitionToIaDays: code(s.storage.efsTransitionToIaDays),
    logRetentionDays: code(s.logRetentionDays),
    retainData: code(s.storage.retainData),
    priceRegion: s.priceRegion === undefined ? 'unset' : code(s.priceRegion),
    jobTaskPolicyArns: code(s.jobTaskPolicyArns),
    secretsManagers: s.secretsManagers.length === 0 ? 'unset' : code(s.secretsManagers),
    bundlesDir: code(s.bundlesDir.slice(root.length)),
    functions: Object.entries(s.functions).map(([fn, f]) => `\`${fn}\` ${f.memorySize}/${f.timeout}`).join(', '),
    containerInsights: code(s.compute.containerInsights),
    tags: code(Object.fromEntries(Object.entries(s.tags).filter(([k]) => k !== 'hyperp:deployment'))),
  };
  assert.equal(Object.fromEntries([...rows].map(([k, r]) => [k, r.default])), expected);
  // Numbers are documented as numbers (or their allowed values), switches as booleans.
  const types = Object.fromEntries([...rows].map(([k, r]) => [k, r.type]));
  for (const k of ['availabilityZones', 'imageExpiryDays', 'downloadExpiryDays']) assert.match(types[k]!, /number/, k);
  for (const k of ['retainData', 'containerInsights']) assert.is(types[k], 'boolean', k);
  assert.match(types['efsTransitionToIaDays']!, '1, 7, 14, 30, 60, 90, 180, 270, 365');
});

config.run();

const contract = suite('contract');

const environmentValues = {
  tableName: 't', artifactsBucket: 'b', clusterArn: 'c', subnetIds: ['s1', 's2'], securityGroupIds: ['g'],
  assignPublicIp: 'ENABLED', efsFileSystemId: 'fs', efsRootDirectory: '/hyperp', ecrRepositoryUri: 'r',
  taskExecutionRoleArn: 'x', jobTaskRoleArn: 'j', builderTaskRoleArn: 'bu', builderImage: 'k',
  taskLogGroup: 'l', githubAppId: '1', githubPrivateKeySecretArn: 'pk', webhookSecretArn: 'ws', secretsKeyArn: 'k', plannerFunctionName: 'p',
  stepperFunctionName: 'st', efsFunctionName: 'e', schedulerGroupName: 'sg', schedulerRoleArn: 'sr', manualRunFunctionArn: 'm', wakeupQueueUrl: 'q', familyPrefix: 'hp',
} as const;

contract('the handlers\' environment has exactly the variables the adapters\' manifest lists', () => {
  const env = handlerEnvironment({ ...environmentValues, priceRegion: 'eu-west-1', secretsManagers: ['*=arn:aws:iam::123456789012:user/ada'] });
  // The adapters' config module reads the same manifest (its own test ties it to AwsConfig).
  const manifest = JSON.parse(readFileSync(join(root, 'packages/adapters-aws/src/contract/environment.json'), 'utf8')) as { variables: { name: string }[] };
  assert.equal(Object.keys(env).sort(), manifest.variables.map((v) => v.name).sort());
  assert.equal([env['HYPERP_SUBNET_IDS'], env['HYPERP_SECURITY_GROUP_IDS'], env['HYPERP_PRICE_REGION']], ['s1,s2', 'g', 'eu-west-1']);
});

contract('secretsManagers become the API\'s REPOS=PRINCIPAL entries, repositories lower-cased', () => {
  const s = resolvePlatformArgs('hyperp', {
    githubAppId: '1', region: 'us-east-1',
    secretsManagers: { 'Acme/Calc': ['arn:aws:iam::123456789012:role/ops/calc-admins'], '*': ['arn:aws:iam::123456789012:user/ada'] },
  });
  assert.equal(s.secretsManagers, ['acme/calc=arn:aws:iam::123456789012:role/ops/calc-admins', '*=arn:aws:iam::123456789012:user/ada']);
  assert.equal(
    handlerEnvironment({ ...environmentValues, secretsManagers: s.secretsManagers })['HYPERP_SECRETS_MANAGERS'],
    'acme/calc=arn:aws:iam::123456789012:role/ops/calc-admins,*=arn:aws:iam::123456789012:user/ada',
  );
});


contract('a value missing, unknown to the handlers, or outside its choices is an error naming it', () => {
  const { tableName: _, ...noTable } = environmentValues;
  assert.throws(() => handlerEnvironment(noTable), /the handlers need HYPERP_TABLE_NAME \(the run table\), but no value for "tableName" was given/);
  assert.throws(() => handlerEnvironment({ ...environmentValues, tableNmae: 't' }), /the handlers read no variable for tableNmae/);
  assert.throws(() => handlerEnvironment({ ...environmentValues, assignPublicIp: 'YES' }), /HYPERP_ASSIGN_PUBLIC_IP must be ENABLED or DISABLED, not "YES"/);
});

contract('without a price region the variable is left out (the handlers use their own region)', () => {
  const { HYPERP_PRICE_REGION: _, ...rest } = handlerEnvironment({ ...environmentValues, priceRegion: 'eu-west-1' });
  assert.equal(handlerEnvironment(environmentValues), rest);
});

contract('missing bundles are listed by path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hyperp-bundles-'));
  for (const fn of ['webhook', 'planner', 'task-events', 'stepper', 'sweep']) {
    await mkdir(join(dir, fn));
    await writeFile(join(dir, fn, 'index.mjs'), 'export const handler = () => 1;\n');
  }
  assert.equal(missingBundles(dir), [join(dir, 'api', 'index.mjs'), join(dir, 'efs', 'index.mjs')]);
});

contract('next steps, whole', () => {
  assert.is(
    nextSteps({
      webhookUrl: 'https://w.example/',
      apiUrl: 'https://a.example/',
      region: 'eu-west-1',
      githubPrivateKeySecretArn: 'arn:key',
      webhookSecretArn: 'arn:hook',
      secretsKeyArn: 'arn:kms',
      cliUserPolicyArn: 'arn:policy',
    }),
    [
      'hyperp is deployed. Next steps (docs/deploy.md explains each):',
      '',
      '1. Put the GitHub App private key (the .pem GitHub gave you) and a webhook secret into Secrets Manager:',
      '   aws secretsmanager put-secret-value --region eu-west-1 --secret-id arn:key --secret-string file://path/to/private-key.pem',
      '   WEBHOOK_SECRET=$(openssl rand -hex 32)',
      '   aws secretsmanager put-secret-value --region eu-west-1 --secret-id arn:hook --secret-string "$WEBHOOK_SECRET"',
      "   (Both secrets are encrypted with the deployment's key arn:kms: your identity needs",
      '   kms:GenerateDataKey and kms:Decrypt on it, as an administrator has.)',
      '',
      '2. In the GitHub App settings (GitHub > Settings > Developer settings > GitHub Apps > your app):',
      '   Webhook URL:    https://w.example/',
      '   Webhook secret: the value of $WEBHOOK_SECRET',
      '   Webhook:        Active',
      '   Permissions:    Contents: Read-only, Metadata: Read-only, Checks: Read and write, Pull requests: Read and write, Commit statuses: Read and write',
      '   Events:         Push, Check run, Pull request',
      '   Then install the App on the repositories whose hyperp-workflows/ should run.',
      '',
      '3. Let CLI users call the API: attach this policy to their IAM users or roles:',
      '   arn:policy',
      '   and point the CLI at the deployment:',
      '   export HYPERP_API_URL=https://a.example/',
      '   export AWS_REGION=eu-west-1',
      "   pnpm hyperp runs list --repo <owner>/<name>     # from the hyperp repository's root",
      '',
    ].join('\n'),
  );
});

contract.run();
