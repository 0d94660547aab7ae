/**
 * A build's git credentials as an ECS environment file in S3, under the build attempt's
 * clientToken: the RunTask request names the file (`environmentFiles`, read by ECS with the task
 * execution role when the task starts), never the token. So a launch sent again — after a crash,
 * a retry — is the same request under the same clientToken (ECS answers a different one with
 * ConflictException), and the token is not in DescribeTasks, task events or dead letters.
 * Environment files: `.env` objects of VARIABLE=VALUE lines, Fargate platform 1.4.0 or later,
 * the execution role needs s3:GetObject and s3:GetBucketLocation (ECS Developer Guide, "Pass
 * environment variables to an Amazon ECS container", read 2026-12).
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export const BUILD_ENV_PREFIX = 'hyperp-build-env/';

/** The object of one build attempt (a clientToken is 64 hex digits or shorter). */
export const buildEnvKey = (clientToken: string): string => `${BUILD_ENV_PREFIX}${clientToken}.env`;

export const buildEnvArn = (bucket: string, clientToken: string): string => `arn:aws:s3:::${bucket}/${buildEnvKey(clientToken)}`;

/** Writes (or rewrites, with a fresh token) the attempt's environment file. */
export const putBuildEnv = (s3: Pick<S3Client, 'send'>, bucket: string) =>
  async (clientToken: string, vars: Readonly<Record<string, string>>): Promise<void> => {
    const body = Object.entries(vars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: buildEnvKey(clientToken), Body: body, ContentType: 'text/plain' }));
  };
