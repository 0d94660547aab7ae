/**
 * Run settings of local mode. Prices are those of a Fargate Region (us-east-1 unless asked), so
 * the cost shown is "what this run would cost on Fargate". Launches are bounded by `--parallel`
 * rather than Fargate's launch rate, and retries back off from one second rather than ten:
 * nothing here is throttled by a service.
 */
import { runSettings, type RunSettings } from '@hyperp/core';

export const LOCAL_IMAGE_REPOSITORY = 'hyperp-local';

/**
 * Part of every local image key: a different builder makes different images. The process
 * engine's is 3 since its images hold the uid and gid of the Dockerfile's USER.
 */
export const localBuilderVersion = (engine: string): string => `hyperp-local-${engine}-${engine === 'process' ? 3 : 2}`;

export const localRunSettings = (priceRegion = 'us-east-1'): RunSettings =>
  runSettings({
    render: {
      region: 'local',
      imageRepository: LOCAL_IMAGE_REPOSITORY,
      // EFS root directories are artifact paths below `.hyperp/artifacts/`.
      efs: { fileSystemId: 'local', rootDirectory: '/' },
      logGroup: 'local',
    },
    priceRegion,
    artifactsBucket: 'local',
    launchRate: { burst: 1_000_000, perSecond: 1_000_000 },
    retryBackoff: { baseSeconds: 1, factor: 2, maxSeconds: 30 },
  });
