/**
 * The caller's AWS credentials, read from the CLI's environment first (so a test or a wrapper can
 * pass its own), then through the SDK's default chain (profile, SSO, container, instance role).
 * A failure says how to configure credentials and which policy the deployment grants.
 */
import { CliError } from '../context.js';

export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

export const NO_CREDENTIALS =
  'no AWS credentials found to sign requests to the hyperp API: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ' +
  'or AWS_PROFILE (after `aws configure` or `aws sso login`); the user or role needs the policy of the deployment\'s ' +
  '`cliUserPolicyArn` output (see docs/deploy.md, "Configure the CLI")';

export const credentialsFrom = (env: Readonly<Record<string, string | undefined>>): AwsCredentialIdentityProvider => {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (accessKeyId && secretAccessKey) {
    const sessionToken = env['AWS_SESSION_TOKEN'];
    return async () => ({ accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) });
  }
  let chain: AwsCredentialIdentityProvider | undefined;
  return async () => {
    try {
      // Loaded on first use: local commands do not pay for the SDK's providers.
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      chain ??= fromNodeProviderChain({
        ...(env['AWS_PROFILE'] ? { profile: env['AWS_PROFILE'] } : {}),
        ...(env['AWS_SHARED_CREDENTIALS_FILE'] ? { filepath: env['AWS_SHARED_CREDENTIALS_FILE'] } : {}),
        ...(env['AWS_CONFIG_FILE'] ? { configFilepath: env['AWS_CONFIG_FILE'] } : {}),
      });
      return await chain();
    } catch (e) {
      throw new CliError(`${NO_CREDENTIALS} (${e instanceof Error ? e.message : String(e)})`);
    }
  };
};
