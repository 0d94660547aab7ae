/**
 * The deployment's own KMS key: it encrypts repositories' secrets (`{prefix}/{owner}/{repo}/{name}`,
 * created by the API function) and the GitHub App's secrets (`secrets.ts`).
 *
 * A customer managed key rather than the account's `aws/secretsmanager`, whose key policy lets
 * every principal of the account decrypt through Secrets Manager: with this one, only a role whose
 * own policy allows the key reads a secret under it, so no policy a deployment attaches to the job
 * task role can open one, and the key's use shows in CloudTrail under its own ARN. The key policy:
 *
 * - gives the account (`root`) every KMS action, so IAM policies decide who uses the key and the
 *   account can never lose it (KMS Developer Guide, "Default key policy", read 2026-12);
 * - denies everyone every cryptographic use that does not come through Secrets Manager in this
 *   region (`kms:ViaService`): a role allowed the key still cannot call Decrypt on it directly.
 *
 * What each role may do with it follows from what it may do with secrets (`iam/secrets-key.ts`).
 */
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { childOf, tagsWith, type Scope } from './scope.js';

export interface SecretsKeyPolicyArns {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** The actions that use a key's material; Secrets Manager calls GenerateDataKey and Decrypt. */
export const KEY_CRYPTO_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'] as const;

/** The `kms:ViaService` value of requests Secrets Manager makes in this region. */
export const secretsManagerService = (region: string): string => `secretsmanager.${region}.amazonaws.com`;

export const secretsKeyPolicy = (a: SecretsKeyPolicyArns) => ({
  Version: '2012-10-17' as const,
  Statement: [
    {
      Sid: 'AccountAdministers',
      Effect: 'Allow' as const,
      Principal: { AWS: `arn:${a.partition}:iam::${a.accountId}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Sid: 'OnlyThroughSecretsManager',
      Effect: 'Deny' as const,
      Principal: { AWS: '*' },
      Action: [...KEY_CRYPTO_ACTIONS],
      Resource: '*',
      Condition: { StringNotEquals: { 'kms:ViaService': secretsManagerService(a.region) } },
    },
  ],
});

/** KMS keeps a deleted key this many days (7 to 30), during which `aws kms cancel-key-deletion` brings it back. */
export const SECRETS_KEY_DELETION_DAYS = 30;

export const secretsKeyAlias = (prefix: string): string => `alias/${prefix}-secrets`;

export interface SecretsKey {
  readonly key: aws.kms.Key;
  readonly alias: aws.kms.Alias;
}

export const createSecretsKey = (scope: Scope, arns: pulumi.Output<SecretsKeyPolicyArns>): SecretsKey => {
  const key = new aws.kms.Key(
    `${scope.name}-secrets`,
    {
      description: `hyperp ${scope.name}: repositories' and the GitHub App's secrets in Secrets Manager`,
      keyUsage: 'ENCRYPT_DECRYPT',
      customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      // Yearly rotation (KMS's default period): old key material stays to decrypt what it encrypted.
      enableKeyRotation: true,
      deletionWindowInDays: SECRETS_KEY_DELETION_DAYS,
      policy: arns.apply((a) => JSON.stringify(secretsKeyPolicy(a))),
      tags: tagsWith(scope),
    },
    childOf(scope),
  );
  const alias = new aws.kms.Alias(`${scope.name}-secrets`, { name: secretsKeyAlias(scope.name), targetKeyId: key.keyId }, childOf(scope));
  return { key, alias };
};
