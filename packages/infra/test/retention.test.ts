// What `pulumi destroy` keeps: with retainData (the default) exactly the stores of run history,
// outputs and images, with the protections of the bucket and the repository's lifecycle.
import type * as pulumi from '@pulumi/pulumi';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeBundles, installMocks, settle } from './support/mocks.js';

const bundlesDir = await fakeBundles();
await installMocks({}, 'keep');
const { Platform } = await import('../src/platform.js');

const retainedBy = (name: string, args: { retainData?: boolean }): string[] => {
  const retained: string[] = [];
  const capture: pulumi.ResourceTransformation = (a) => {
    if (a.opts.retainOnDelete) retained.push(`${a.type} ${a.name}`);
    return undefined;
  };
  new Platform(name, { githubAppId: '1', region: 'us-east-1', bundlesDir, ...args }, { transformations: [capture] });
  return retained;
};

const keep = retainedBy('keep', {});
const drop = retainedBy('drop', { retainData: false });
await settle();

test('retainData (default): table, file system, repository and bucket survive, with what protects them', () => {
  assert.equal(keep.sort(), [
    'aws:dynamodb/table:Table keep-runs',
    'aws:ecr/lifecyclePolicy:LifecyclePolicy keep-images',
    'aws:ecr/repository:Repository keep-images',
    'aws:efs/fileSystem:FileSystem keep-artifacts',
    // a file system kept without its policy would be open to any client that reaches it
    'aws:efs/fileSystemPolicy:FileSystemPolicy keep-artifacts',
    'aws:s3/bucket:Bucket keep-downloads',
    'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration keep-downloads',
    'aws:s3/bucketOwnershipControls:BucketOwnershipControls keep-downloads',
    'aws:s3/bucketPolicy:BucketPolicy keep-downloads',
    'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock keep-downloads',
    'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration keep-downloads',
  ]);
});

test('retainData false: nothing survives', () => {
  assert.equal(drop, []);
});

test.run();
