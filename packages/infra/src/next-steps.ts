/**
 * The stack output `nextSteps`: what a user does after `pulumi up`, with this deployment's
 * URLs and ARNs filled in, so it can be followed without looking anything up.
 */

export interface NextStepsValues {
  readonly webhookUrl: string;
  readonly apiUrl: string;
  readonly region: string;
  readonly githubPrivateKeySecretArn: string;
  readonly webhookSecretArn: string;
  readonly secretsKeyArn: string;
  readonly cliUserPolicyArn: string;
}

export const nextSteps = (v: NextStepsValues): string =>
  [
    'hyperp is deployed. Next steps (docs/deploy.md explains each):',
    '',
    '1. Put the GitHub App private key (the .pem GitHub gave you) and a webhook secret into Secrets Manager:',
    `   aws secretsmanager put-secret-value --region ${v.region} --secret-id ${v.githubPrivateKeySecretArn} --secret-string file://path/to/private-key.pem`,
    '   WEBHOOK_SECRET=$(openssl rand -hex 32)',
    `   aws secretsmanager put-secret-value --region ${v.region} --secret-id ${v.webhookSecretArn} --secret-string "$WEBHOOK_SECRET"`,
    `   (Both secrets are encrypted with the deployment's key ${v.secretsKeyArn}: your identity needs`,
    '   kms:GenerateDataKey and kms:Decrypt on it, as an administrator has.)',
    '',
    '2. In the GitHub App settings (GitHub > Settings > Developer settings > GitHub Apps > your app):',
    `   Webhook URL:    ${v.webhookUrl}`,
    '   Webhook secret: the value of $WEBHOOK_SECRET',
    '   Webhook:        Active',
    '   Permissions:    Contents: Read-only, Metadata: Read-only, Checks: Read and write, Pull requests: Read and write, Commit statuses: Read and write',
    '   Events:         Push, Check run, Pull request',
    '   Then install the App on the repositories whose hyperp-workflows/ should run.',
    '',
    '3. Let CLI users call the API: attach this policy to their IAM users or roles:',
    `   ${v.cliUserPolicyArn}`,
    '   and point the CLI at the deployment:',
    `   export HYPERP_API_URL=${v.apiUrl}`,
    `   export AWS_REGION=${v.region}`,
    '   pnpm hyperp runs list --repo <owner>/<name>     # from the hyperp repository\'s root',
    '',
  ].join('\n');
