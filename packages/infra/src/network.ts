/**
 * The VPC tasks run in, and the security groups between tasks, the file system and the `efs`
 * function. By default tasks sit in public subnets with public IPs: they reach ECR, GitHub and
 * the internet through the internet gateway, and no NAT gateway bills by the hour. Security
 * groups admit no inbound traffic to tasks, so a public IP exposes nothing.
 */
import * as aws from '@pulumi/aws';
import * as awsx from '@pulumi/awsx';
import type * as pulumi from '@pulumi/pulumi';
import { childOf, tagsWith, type Scope } from './scope.js';

export interface NetworkSettings {
  /** The deployment's region, which the gateway endpoints' service names contain. */
  readonly region: string;
  readonly mode: 'public' | 'private';
  readonly availabilityZones: number;
  readonly cidrBlock: string;
  readonly natGateways: 'single' | 'perAz';
}

export interface Network {
  readonly vpcId: pulumi.Output<string>;
  /** Where tasks and the `efs` function run: public subnets in public mode, private otherwise. */
  readonly taskSubnetIds: pulumi.Output<string[]>;
  readonly assignPublicIp: 'ENABLED' | 'DISABLED';
  readonly tasksSecurityGroup: aws.ec2.SecurityGroup;
  readonly efsSecurityGroup: aws.ec2.SecurityGroup;
  readonly efsFunctionSecurityGroup: aws.ec2.SecurityGroup;
}

const NFS_PORT = 2049;
const HTTPS_PORT = 443;

/** The services reached through gateway endpoints (VPC gateway endpoints guide, read 2026-11). */
export const gatewayEndpoints = (region: string): string[] => [`com.amazonaws.${region}.s3`, `com.amazonaws.${region}.dynamodb`];

export const createNetwork = (scope: Scope, s: NetworkSettings): Network => {
  const vpc = new awsx.ec2.Vpc(
    `${scope.name}-vpc`,
    {
      cidrBlock: s.cidrBlock,
      numberOfAvailabilityZones: s.availabilityZones,
      subnetStrategy: 'Auto',
      subnetSpecs: s.mode === 'public' ? [{ type: 'Public' }] : [{ type: 'Public' }, { type: 'Private' }],
      natGateways: { strategy: s.mode === 'public' ? 'None' : s.natGateways === 'single' ? 'Single' : 'OnePerAz' },
      enableDnsHostnames: true,
      enableDnsSupport: true,
      // Gateway endpoints cost nothing and put S3 and DynamoDB on every route table: the `efs`
      // function (in the VPC, with no public IP even in public subnets) reaches the table and
      // the bucket, and in private mode image layers from S3 skip the NAT gateway's data charge.
      vpcEndpointSpecs: gatewayEndpoints(s.region).map((serviceName) => ({ serviceName, vpcEndpointType: 'Gateway' })),
      vpcEndpointStrategy: 'Auto',
      tags: tagsWith(scope),
    },
    { parent: scope.parent },
  );

  const group = (name: string, description: string) =>
    new aws.ec2.SecurityGroup(
      `${scope.name}-${name}`,
      { vpcId: vpc.vpcId, description, tags: tagsWith(scope, { Name: `${scope.name}-${name}` }) },
      childOf(scope),
    );
  const tasksSecurityGroup = group('tasks', 'hyperp tasks: no inbound, all outbound');
  const efsSecurityGroup = group('efs', 'hyperp artifacts file system: NFS from tasks and the efs function');
  const efsFunctionSecurityGroup = group('efs-function', 'hyperp efs function: NFS to the file system, HTTPS to S3 and DynamoDB');

  // Tasks pull images and clone from anywhere on the internet.
  new aws.vpc.SecurityGroupEgressRule(
    `${scope.name}-tasks-egress-ipv4`,
    { securityGroupId: tasksSecurityGroup.id, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0', description: 'all outbound' },
    childOf(scope),
  );
  for (const [name, source] of [
    ['tasks', tasksSecurityGroup],
    ['efs-function', efsFunctionSecurityGroup],
  ] as const) {
    new aws.vpc.SecurityGroupIngressRule(
      `${scope.name}-efs-from-${name}`,
      {
        securityGroupId: efsSecurityGroup.id,
        referencedSecurityGroupId: source.id,
        ipProtocol: 'tcp',
        fromPort: NFS_PORT,
        toPort: NFS_PORT,
        description: `NFS from ${name}`,
      },
      childOf(scope),
    );
  }
  new aws.vpc.SecurityGroupEgressRule(
    `${scope.name}-efs-function-to-efs`,
    {
      securityGroupId: efsFunctionSecurityGroup.id,
      referencedSecurityGroupId: efsSecurityGroup.id,
      ipProtocol: 'tcp',
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      description: 'NFS to the artifacts file system',
    },
    childOf(scope),
  );
  // The efs function writes zips to S3 and their results to DynamoDB. It has no public IP, so it
  // reaches both through the gateway endpoints; the provider removes a new group's default
  // allow-all egress (aws.ec2.SecurityGroup, "NOTE on Egress rules"), so HTTPS to each
  // service's AWS-managed prefix list (named like the endpoint's service) is allowed here.
  for (const serviceName of gatewayEndpoints(s.region)) {
    const service = serviceName.slice(serviceName.lastIndexOf('.') + 1);
    new aws.vpc.SecurityGroupEgressRule(
      `${scope.name}-efs-function-to-${service}`,
      {
        securityGroupId: efsFunctionSecurityGroup.id,
        prefixListId: aws.ec2.getPrefixListOutput({ name: serviceName }, { parent: scope.parent }).id,
        ipProtocol: 'tcp',
        fromPort: HTTPS_PORT,
        toPort: HTTPS_PORT,
        description: `HTTPS to ${service} through its gateway endpoint`,
      },
      childOf(scope),
    );
  }

  return {
    vpcId: vpc.vpcId,
    taskSubnetIds: s.mode === 'public' ? vpc.publicSubnetIds : vpc.privateSubnetIds,
    assignPublicIp: s.mode === 'public' ? 'ENABLED' : 'DISABLED',
    tasksSecurityGroup,
    efsSecurityGroup,
    efsFunctionSecurityGroup,
  };
};
