/**
 * Who may reach the artifacts file system, and how. Without a file-system policy EFS lets every
 * client that reaches a mount target in with full access, root included (EFS User Guide, "Using
 * IAM to control file system data access": the default policy, read 2026-12). This policy:
 *
 * - denies every request that does not use TLS (`aws:SecureTransport`), whoever makes it;
 * - denies root access to everyone: the efs function and jobs work through access points that
 *   set their POSIX user, so nobody needs it;
 * - allows mounting and writing only to IAM principals of this account, through a mount target
 *   (`elasticfilesystem:AccessedViaMountTarget`), delegated to their identity policies: an NFS
 *   client without IAM credentials is anonymous and gets nothing;
 * - denies the job task role any mount that names no access point (its own NFS client could
 *   otherwise mount `/` and claim any uid) and any mount through the efs function's access point
 *   (the whole artifact tree as uid 1000).
 *
 * So a job reaches only the access points the stepper created for its run (`adapters-aws`,
 * `src/efs/access-points.ts`), whose ids nothing the job role may call reveals.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { childOf, type Scope } from './scope.js';

export interface ArtifactsAccessArns {
  readonly partition: string;
  readonly accountId: string;
  readonly fileSystem: string;
  /** The efs function's access point (root `/hyperp`, uid 1000). */
  readonly helperAccessPoint: string;
  readonly jobTaskRole: string;
}

const MOUNT_AND_WRITE = ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'];

export const artifactsFileSystemPolicy = (a: ArtifactsAccessArns) => ({
  Version: '2012-10-17' as const,
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: '*',
      Resource: a.fileSystem,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    { Sid: 'NoRootAccess', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'elasticfilesystem:ClientRootAccess', Resource: a.fileSystem },
    {
      Sid: 'AccountPrincipalsThroughMountTargets',
      Effect: 'Allow',
      Principal: { AWS: `arn:${a.partition}:iam::${a.accountId}:root` },
      Action: MOUNT_AND_WRITE,
      Resource: a.fileSystem,
      Condition: { Bool: { 'elasticfilesystem:AccessedViaMountTarget': 'true' } },
    },
    {
      Sid: 'JobsOnlyThroughAccessPoints',
      Effect: 'Deny',
      Principal: { AWS: a.jobTaskRole },
      Action: MOUNT_AND_WRITE,
      Resource: a.fileSystem,
      Condition: { Null: { 'elasticfilesystem:AccessPointArn': 'true' } },
    },
    {
      Sid: 'JobsNotThroughTheHelpersAccessPoint',
      Effect: 'Deny',
      Principal: { AWS: a.jobTaskRole },
      Action: MOUNT_AND_WRITE,
      Resource: a.fileSystem,
      Condition: { StringEquals: { 'elasticfilesystem:AccessPointArn': a.helperAccessPoint } },
    },
  ],
});

export const createArtifactsPolicy = (
  scope: Scope,
  fileSystem: aws.efs.FileSystem,
  arns: pulumi.Output<ArtifactsAccessArns>,
  retainData: boolean,
): aws.efs.FileSystemPolicy =>
  new aws.efs.FileSystemPolicy(
    `${scope.name}-artifacts`,
    { fileSystemId: fileSystem.id, policy: arns.apply((a) => JSON.stringify(artifactsFileSystemPolicy(a))) },
    // A retained file system keeps its policy: without it, it would be open to any NFS client.
    childOf(scope, { retainOnDelete: retainData }),
  );
