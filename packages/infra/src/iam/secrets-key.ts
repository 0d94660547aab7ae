/**
 * Who may use the deployment's secrets key (`../secrets-key.ts`), derived from who may use
 * secrets: a role allowed a Secrets Manager action that encrypts or decrypts a value gets exactly
 * the KMS actions that action needs, on the key, only through Secrets Manager, and only for the
 * secrets it names. No role is listed by hand, so a handler that gains `GetSecretValue` in the
 * adapters' manifest gains `kms:Decrypt` with it, and nothing else does.
 *
 * What each action needs (Secrets Manager User Guide, "Secret encryption and decryption",
 * "Permissions for the KMS key", read 2026-12): reading a value decrypts its data key
 * (`kms:Decrypt`); writing one asks KMS for a new data key (`kms:GenerateDataKey`), and Secrets
 * Manager also calls `kms:Decrypt` when it checks the caller may use a key it is given or moved
 * to, and when a write repeats an existing version. Secrets Manager names the secret in the
 * encryption context (`SecretARN`, the secret's full ARN), so the grant names the same ARNs the
 * secret statement does.
 */
import type { PlatformArns } from './grants.js';
import { allow, deny, type Statement } from './statements.js';
import { secretsManagerService } from '../secrets-key.js';

export const KMS_FOR_SECRET_ACTION: Readonly<Record<string, readonly string[]>> = {
  'secretsmanager:GetSecretValue': ['kms:Decrypt'],
  'secretsmanager:BatchGetSecretValue': ['kms:Decrypt'],
  'secretsmanager:CreateSecret': ['kms:GenerateDataKey', 'kms:Decrypt'],
  'secretsmanager:PutSecretValue': ['kms:GenerateDataKey', 'kms:Decrypt'],
  'secretsmanager:UpdateSecret': ['kms:GenerateDataKey', 'kms:Decrypt'],
};

const KMS_ORDER = ['kms:Decrypt', 'kms:GenerateDataKey'];

/**
 * One statement on the key for each Allow statement on secrets that needs it, named after it
 * (`{Sid}Key`), with the same secrets as the encryption context it may be used in.
 */
export const secretsKeyGrants = (statements: readonly Statement[], a: Pick<PlatformArns, 'region' | 'secretsKey'>): Statement[] =>
  statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => {
      const needed = new Set(s.Action.flatMap((action) => KMS_FOR_SECRET_ACTION[action] ?? []));
      if (needed.size === 0) return [];
      return [allow(`${s.Sid}Key`, KMS_ORDER.filter((k) => needed.has(k)), [a.secretsKey], {
        StringEquals: { 'kms:ViaService': secretsManagerService(a.region) },
        StringLike: { 'kms:EncryptionContext:SecretARN': s.Resource },
      })];
    });

/**
 * The job task role may do nothing with the key, whatever policies a deployment attaches to it:
 * jobs read their secrets as files the control plane writes (docs/secrets.md).
 */
export const noSecretsKey = (a: Pick<PlatformArns, 'secretsKey'>): Statement => deny('NoSecretsKey', ['kms:*'], [a.secretsKey]);
