/**
 * Pulumi mocks that answer like AWS would: auto-named physical names, ARNs in each service's
 * format, ids where AWS gives ids. Every registered resource is captured with its type, name
 * and resulting state (inputs plus what AWS computes), which is what a stack policy sees.
 * Install before importing code that declares resources; one program per test process.
 */
import * as pulumi from '@pulumi/pulumi';
import type { ResourceView } from '../../src/policy/rules.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export interface Captured extends ResourceView {
  readonly inputs: Record<string, unknown>;
}

export const captured: Captured[] = [];

const short = (name: string): string => name.replace(/[^a-z0-9-]/gi, '').slice(0, 48);
/** Pulumi auto-names append 7 characters; a fixed suffix keeps assertions exact. */
const autoName = (args: pulumi.runtime.MockResourceArgs): string =>
  (args.inputs['name'] as string | undefined) ?? `${short(args.name)}-a1b2c3d`;

type State = Record<string, unknown>;

const stateOf = (args: pulumi.runtime.MockResourceArgs): { id: string; state: State } => {
  const i = args.inputs as State;
  const name = autoName(args);
  const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  switch (args.type) {
    case 'awsx:ec2:Vpc': {
      const azs = (i['numberOfAvailabilityZones'] as number | undefined) ?? 3;
      const subnets = (kind: string) => Array.from({ length: azs }, (_, n) => `subnet-${kind}-${n}`);
      const specs = (i['subnetSpecs'] as { type: string }[] | undefined) ?? [{ type: 'Public' }, { type: 'Private' }];
      const has = (t: string) => specs.some((s) => s.type === t);
      return {
        id: 'vpc-0123',
        state: {
          vpcId: 'vpc-0123',
          publicSubnetIds: has('Public') ? subnets('public') : [],
          privateSubnetIds: has('Private') ? subnets('private') : [],
          isolatedSubnetIds: [],
        },
      };
    }
    case 'aws:iam/role:Role':
      return { id: name, state: { ...i, name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}` } };
    case 'aws:iam/policy:Policy':
      return { id: `arn:aws:iam::${ACCOUNT}:policy/${name}`, state: { ...i, name, arn: `arn:aws:iam::${ACCOUNT}:policy/${name}` } };
    case 'aws:dynamodb/table:Table': {
      const tableArn = arn('dynamodb', `table/${name}`);
      return { id: name, state: { ...i, name, arn: tableArn, streamArn: `${tableArn}/stream/2026-11-22T07:00:00.000` } };
    }
    case 'aws:s3/bucket:Bucket': {
      const bucket = (i['bucket'] as string | undefined) ?? name;
      return { id: bucket, state: { ...i, bucket, arn: `arn:aws:s3:::${bucket}` } };
    }
    case 'aws:ecr/repository:Repository':
      return {
        id: name,
        state: { ...i, name, arn: arn('ecr', `repository/${name}`), repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}` },
      };
    case 'aws:ecs/cluster:Cluster':
      return { id: arn('ecs', `cluster/${name}`), state: { ...i, name, arn: arn('ecs', `cluster/${name}`) } };
    case 'aws:efs/fileSystem:FileSystem':
      return { id: 'fs-0123abcd', state: { ...i, arn: arn('elasticfilesystem', 'file-system/fs-0123abcd') } };
    case 'aws:efs/accessPoint:AccessPoint':
      return { id: 'fsap-0123abcd', state: { ...i, arn: arn('elasticfilesystem', 'access-point/fsap-0123abcd') } };
    case 'aws:secretsmanager/secret:Secret': {
      const secretArn = arn('secretsmanager', `secret:${name}-AbCdEf`);
      return { id: secretArn, state: { ...i, name, arn: secretArn } };
    }
    case 'aws:kms/key:Key': {
      // Key ids are UUIDs AWS chooses; a fixed one keeps assertions exact.
      const keyId = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
      return { id: keyId, state: { ...i, keyId, arn: arn('kms', `key/${keyId}`) } };
    }
    case 'aws:cloudwatch/logGroup:LogGroup':
      return { id: name, state: { ...i, name, arn: arn('logs', `log-group:${name}`) } };
    case 'aws:lambda/function:Function':
      return { id: name, state: { ...i, name, arn: arn('lambda', `function:${name}`) } };
    case 'aws:lambda/functionUrl:FunctionUrl':
      return { id: String(i['functionName']), state: { ...i, functionUrl: `https://${String(i['functionName'])}.lambda-url.${REGION}.on.aws/` } };
    case 'aws:sqs/queue:Queue':
      return {
        id: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
        state: { ...i, name, arn: arn('sqs', name), url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}` },
      };
    case 'aws:scheduler/scheduleGroup:ScheduleGroup':
      return { id: name, state: { ...i, name, arn: arn('scheduler', `schedule-group/${name}`) } };
    case 'aws:cloudwatch/eventRule:EventRule':
      return { id: name, state: { ...i, name, arn: arn('events', `rule/${name}`) } };
    case 'aws:ec2/securityGroup:SecurityGroup':
      return { id: `sg-${short(args.name)}`, state: { ...i, name } };
    default:
      return { id: `${args.name}-id`, state: { ...i } };
  }
};

export const installMocks = async (config: Record<string, string> = {}, stack = 'test'): Promise<void> => {
  pulumi.runtime.setAllConfig(config);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const { id, state } = stateOf(args);
        captured.push({ type: args.type, name: args.name, urn: args.name, props: state, inputs: args.inputs });
        return { id, state };
      },
      call: (args) => {
        switch (args.token) {
          case 'aws:index/getCallerIdentity:getCallerIdentity':
            return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/deployer`, userId: 'AIDAEXAMPLE', id: ACCOUNT };
          case 'aws:index/getRegion:getRegion':
            return { region: REGION, name: REGION, id: REGION, description: 'US East (N. Virginia)', endpoint: `ec2.${REGION}.amazonaws.com` };
          case 'aws:ec2/getPrefixList:getPrefixList': {
            const name = String(args.inputs['name']);
            return { id: `pl-${name.slice(name.lastIndexOf('.') + 1)}`, name, cidrBlocks: ['192.0.2.0/24'], region: REGION };
          }
          case 'aws:index/getPartition:getPartition':
            return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws', reverseDnsPrefix: 'com.amazonaws' };
          default:
            throw new Error(`unmocked call ${args.token}`);
        }
      },
    },
    'hyperp',
    stack,
    false,
  );
};

/** Waits until every resource the program declared (also inside applies) is registered. */
export const settle = async (): Promise<void> => {
  await (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs();
};

/** The value inside an Output, for assertions on stack outputs. */
export const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

export const ofType = (type: string): Captured[] => captured.filter((r) => r.type === type);

/** The one captured resource of a type and logical name; fails loudly when absent or repeated. */
export const one = (type: string, name: string): Captured => {
  const found = captured.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${type} named ${name}, found ${found.length}; names of that type: ${ofType(type).map((r) => r.name).join(', ')}`);
  }
  return found[0]!;
};

/** Seven empty bundles, as the adapters' `bundle` script would lay them out. */
export const fakeBundles = async (): Promise<string> => {
  const { mkdtemp, mkdir, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'hyperp-bundles-'));
  for (const fn of ['webhook', 'planner', 'task-events', 'stepper', 'sweep', 'api', 'efs']) {
    await mkdir(join(dir, fn));
    await writeFile(join(dir, fn, 'index.mjs'), 'export const handler = async () => ({});\n');
  }
  return dir;
};
