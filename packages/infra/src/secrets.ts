/**
 * The GitHub App's private key and webhook secret. Pulumi creates the empty secrets; their
 * values are put by the user with `aws secretsmanager put-secret-value` (docs/deploy.md), so
 * they never pass through stack config, state files or CI logs. Both are encrypted with the
 * deployment's key (`secrets-key.ts`), like repositories' secrets.
 */
import * as aws from '@pulumi/aws';
import type { SecretsKey } from './secrets-key.js';
import { childOf, tagsWith, type Scope } from './scope.js';

export interface Secrets {
  readonly githubPrivateKey: aws.secretsmanager.Secret;
  readonly webhookSecret: aws.secretsmanager.Secret;
}

export const createSecrets = (scope: Scope, key: SecretsKey): Secrets => {
  const secret = (name: string, description: string) =>
    new aws.secretsmanager.Secret(
      `${scope.name}-${name}`,
      // A short recovery window: after `pulumi destroy` the names free up within a week.
      { description, kmsKeyId: key.key.arn, recoveryWindowInDays: 7, tags: tagsWith(scope) },
      childOf(scope),
    );
  return {
    githubPrivateKey: secret('github-app-private-key', 'hyperp: the GitHub App private key (PEM), put by the user'),
    webhookSecret: secret('github-webhook-secret', 'hyperp: the GitHub App webhook secret, put by the user'),
  };
};
