/**
 * The per-account program `pulumi up` runs (Pulumi.yaml's `main`): reads the stack's config
 * (namespace `hyperp:`; docs/deploy.md lists every key), creates one `Platform`, and exports
 * what the user needs next.
 */
import * as pulumi from '@pulumi/pulumi';
import { missingBundles } from './functions.js';
import { Platform } from './platform.js';
import { readPlatformConfig } from './stack-config.js';

const args = readPlatformConfig(new pulumi.Config(), pulumi.getStack());
const missing = missingBundles(args.bundlesDir);
if (missing.length > 0) {
  throw new pulumi.RunError(
    `the Lambda bundles are not built (missing ${missing.join(', ')}); run \`pnpm --filter @hyperp/adapters-aws bundle\` from the repository root, then \`pulumi up\` again`,
  );
}

const platform = new Platform('hyperp', args);

export const webhookUrl = platform.webhookUrl;
export const apiUrl = platform.apiUrl;
export const bucketName = platform.bucketName;
export const tableName = platform.tableName;
export const clusterArn = platform.clusterArn;
export const repositoryUrl = platform.repositoryUrl;
export const repositoryName = platform.repositoryName;
export const fileSystemId = platform.fileSystemId;
export const githubPrivateKeySecretArn = platform.githubPrivateKeySecretArn;
export const webhookSecretArn = platform.webhookSecretArn;
export const secretsKeyArn = platform.secretsKeyArn;
export const deadLetterQueueUrl = platform.deadLetterQueueUrl;
export const cliUserPolicyArn = platform.cliUserPolicyArn;
export const region = platform.region;
export const nextSteps = platform.nextSteps;
