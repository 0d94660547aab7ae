/**
 * Which image tags exist in the ECR repository. The image store says an image was built; ECR
 * says it is still there (a lifecycle rule or a person may have deleted it). BatchGetImage takes
 * up to 100 image ids per call and lists absent ones in `failures` rather than throwing
 * (ECR API reference, read 2026-11).
 */
import { BatchGetImageCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { withThrottlingRetry, type RetryPolicy } from './retry.js';

const BATCH = 100;

/** `123456789012.dkr.ecr.us-east-1.amazonaws.com/hyperp` → `hyperp`. */
export const repositoryNameOf = (repositoryUri: string): string => repositoryUri.slice(repositoryUri.indexOf('/') + 1);

export const existingImageTags = async (
  ecr: Pick<ECRClient, 'send'>,
  repositoryUri: string,
  tags: readonly string[],
  retry: RetryPolicy,
): Promise<Set<string>> => {
  const found = new Set<string>();
  const unique = [...new Set(tags)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const r = await withThrottlingRetry(retry, () =>
      ecr.send(
        new BatchGetImageCommand({
          repositoryName: repositoryNameOf(repositoryUri),
          imageIds: unique.slice(i, i + BATCH).map((imageTag) => ({ imageTag })),
          acceptedMediaTypes: ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'],
        }),
      ),
    );
    for (const image of r.images ?? []) if (image.imageId?.imageTag) found.add(image.imageId.imageTag);
  }
  return found;
};
