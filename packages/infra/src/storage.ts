/**
 * Where hyperp keeps things: the run store (DynamoDB), the artifacts file system (EFS) and the
 * downloads bucket (S3). With `retainData` (the default) all three outlive `pulumi destroy`:
 * they hold run history and user outputs that a redeploy should not silently lose.
 */
import * as aws from '@pulumi/aws';
import { BUILD_CONTEXTS_PREFIX, DOWNLOADS_PREFIX, OLD_BUILD_ENV_PREFIX } from './names.js';
import type { Network } from './network.js';
import { childOf, tagsWith, type Scope } from './scope.js';

export interface StorageSettings {
  readonly availabilityZones: number;
  readonly retainData: boolean;
  readonly downloadExpiryDays: number;
  readonly efsTransitionToIaDays: EfsIaDays;
}

/** The periods EFS accepts for moving files to Infrequent Access (EFS API reference, read 2026-11). */
export const EFS_IA_DAYS = [1, 7, 14, 30, 60, 90, 180, 270, 365] as const;
export type EfsIaDays = (typeof EFS_IA_DAYS)[number];

/** Files on hyperp's access point belong to this user and group, whatever user a task runs as. */
export const EFS_UID = 1000;
export const EFS_GID = 1000;
export const EFS_ROOT = '/hyperp';

export interface Storage {
  readonly table: aws.dynamodb.Table;
  readonly fileSystem: aws.efs.FileSystem;
  readonly accessPoint: aws.efs.AccessPoint;
  readonly mountTargets: aws.efs.MountTarget[];
  readonly bucket: aws.s3.Bucket;
}

/** The run store, exactly as the adapters' `tableDefinition` describes it (see docs/operations.md). */
const createTable = (scope: Scope, s: StorageSettings): aws.dynamodb.Table =>
  new aws.dynamodb.Table(
    `${scope.name}-runs`,
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
      // Short-lived items carry an epoch-seconds `ttl`.
      ttl: { attributeName: 'ttl', enabled: true },
      pointInTimeRecovery: { enabled: true },
      // The stepper is driven by the stream of new event items.
      streamEnabled: true,
      streamViewType: 'NEW_IMAGE',
      deletionProtectionEnabled: s.retainData,
      tags: tagsWith(scope),
    },
    childOf(scope, { retainOnDelete: s.retainData }),
  );

const createFileSystem = (scope: Scope, s: StorageSettings, network: Network) => {
  const fileSystem = new aws.efs.FileSystem(
    `${scope.name}-artifacts`,
    {
      encrypted: true,
      // Elastic throughput: bursting mode's baseline is proportional to the data in the Standard
      // class (50 KiB/s per GiB) and its burst runs on credits earned at that rate, so a file system
      // whose artifacts move to Infrequent Access keeps a baseline near zero and stalls the first
      // large fan-in. Elastic scales with the workload, whatever the size, and bills per GB moved,
      // which suits runs that are idle most of the day (EFS User Guide, "Throughput modes" and
      // re:Post "Choosing the correct throughput mode", read 2026-12).
      throughputMode: 'elastic',
      lifecyclePolicies: [
        { transitionToIa: `AFTER_${s.efsTransitionToIaDays}_DAY${s.efsTransitionToIaDays === 1 ? '' : 'S'}` },
        // A file read again comes back to Standard, so a hot input does not pay IA access fees twice.
        { transitionToPrimaryStorageClass: 'AFTER_1_ACCESS' },
      ],
      tags: tagsWith(scope, { Name: `${scope.name}-artifacts` }),
    },
    childOf(scope, { retainOnDelete: s.retainData }),
  );
  const mountTargets = Array.from(
    { length: s.availabilityZones },
    (_, i) =>
      new aws.efs.MountTarget(
        `${scope.name}-artifacts-${i}`,
        {
          fileSystemId: fileSystem.id,
          subnetId: network.taskSubnetIds.apply((ids) => {
            const id = ids[i];
            if (id === undefined) throw new Error(`the VPC has ${ids.length} task subnets; mount target ${i} has none`);
            return id;
          }),
          securityGroups: [network.efsSecurityGroup.id],
        },
        childOf(scope),
      ),
  );
  const accessPoint = new aws.efs.AccessPoint(
    `${scope.name}-artifacts-root`,
    {
      fileSystemId: fileSystem.id,
      posixUser: { uid: EFS_UID, gid: EFS_GID },
      rootDirectory: { path: EFS_ROOT, creationInfo: { ownerUid: EFS_UID, ownerGid: EFS_GID, permissions: '0755' } },
      tags: tagsWith(scope, { Name: `${scope.name}-artifacts-root` }),
    },
    childOf(scope),
  );
  return { fileSystem, mountTargets, accessPoint };
};

/** Denies every request that does not use TLS, whoever makes it. */
export const tlsOnlyBucketPolicy = (bucketArn: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});

/** Days a packed build context is kept (the adapters' `CONTEXT_EXPIRY_DAYS`; a test holds them equal). */
export const BUILD_CONTEXT_EXPIRY_DAYS = 7;

const createBucket = (scope: Scope, s: StorageSettings): aws.s3.Bucket => {
  // A retained bucket keeps its protections too: deleting the public access block, the
  // TLS-only policy or the expiry along with the stack would leave it open or growing.
  const retained = childOf(scope, { retainOnDelete: s.retainData });
  const bucket = new aws.s3.Bucket(`${scope.name}-downloads`, { forceDestroy: !s.retainData, tags: tagsWith(scope) }, retained);
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${scope.name}-downloads`,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    retained,
  );
  new aws.s3.BucketOwnershipControls(
    `${scope.name}-downloads`,
    { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } },
    retained,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${scope.name}-downloads`,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
    retained,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${scope.name}-downloads`,
    {
      bucket: bucket.id,
      rules: [
        // Spilled run bodies (under `hyperp-state/`) do not expire: they are read for as long as the run is.
        { id: 'expire-downloads', status: 'Enabled', filter: { prefix: DOWNLOADS_PREFIX }, expiration: { days: s.downloadExpiryDays } },
        // A context is rebuilt from the repository whenever it is needed again (adapters-aws
        // `contexts/lifetime.ts` says why a week, and packs anew a day before).
        { id: 'expire-build-contexts', status: 'Enabled', filter: { prefix: BUILD_CONTEXTS_PREFIX }, expiration: { days: BUILD_CONTEXT_EXPIRY_DAYS } },
        // Clone tokens earlier versions left as environment files: gone at the first chance.
        { id: 'expire-old-build-env', status: 'Enabled', filter: { prefix: OLD_BUILD_ENV_PREFIX }, expiration: { days: 1 } },
        { id: 'abort-incomplete-uploads', status: 'Enabled', filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
      ],
    },
    retained,
  );
  new aws.s3.BucketPolicy(
    `${scope.name}-downloads`,
    { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) },
    { ...retained, dependsOn: [publicAccess] },
  );
  return bucket;
};

export const createStorage = (scope: Scope, s: StorageSettings, network: Network): Storage => ({
  table: createTable(scope, s),
  ...createFileSystem(scope, s, network),
  bucket: createBucket(scope, s),
});

