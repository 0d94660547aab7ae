/**
 * The checks of remote mode: the AWS credentials the remote commands sign with (found as they
 * find them: the environment, then the SDK's default chain, loaded only now), and the
 * deployment's API, asked one signed request as the remote commands ask it.
 */
import { CliError, UsageError, type CliContext } from '../context.js';
import { ApiError } from '../remote/client.js';
import { remoteApi, type BackendOptions } from '../remote/backend.js';
import { credentialsFrom, NO_CREDENTIALS } from '../remote/credentials.js';
import { missing, ok, type Check } from './check.js';

/** An access key id shown as `AKIA…WXYZ`: enough to tell keys apart, never a secret. */
const maskKey = (id: string): string => (id.length > 8 ? `${id.slice(0, 4)}…${id.slice(-4)}` : '…');

const source = (env: CliContext['env']): string =>
  env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']
    ? 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
    : `the AWS SDK's default chain${env['AWS_PROFILE'] ? ` (profile ${env['AWS_PROFILE']})` : ''}`;

export const credentialsCheck = async (ctx: CliContext): Promise<Check> => {
  try {
    const c = await credentialsFrom(ctx.env)();
    return ok('aws credentials', `access key ${maskKey(c.accessKeyId)}${c.sessionToken ? ' with a session token' : ''}, from ${source(ctx.env)}`, true);
  } catch (e) {
    const why = e instanceof CliError ? e.message.slice(NO_CREDENTIALS.length).replace(/^ \((.*)\)$/, '$1') : String(e);
    return missing('aws credentials', `none found${why ? `: ${why}` : ''}`,
      'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE after `aws configure` or `aws sso login`; the user or role needs the policy of the deployment\'s `cliUserPolicyArn` output (docs/deploy.md)', true);
  }
};

/** A run id no deployment has: the API answers 404 for it once the request's signature is accepted. */
export const PROBE_RUN = 'hyperp-doctor-probe';
/** How long the API may take to answer before it counts as unreachable. */
const API_TIMEOUT_MS = 15_000;

export const apiCheck = async (ctx: CliContext, opts: BackendOptions, url: string): Promise<Check> => {
  const fix = {
    reach: 'set HYPERP_API_URL (or --api) to the deployment\'s apiUrl output (pulumi stack output apiUrl), and check this machine can reach it',
    forbidden: 'attach the deployment\'s `cliUserPolicyArn` policy to the user or role of these credentials (docs/deploy.md), and check AWS_REGION is the deployment\'s Region',
  };
  let api;
  try {
    // No retries: doctor reports what one request gets.
    api = remoteApi(ctx, opts, url, { retryDelaysMs: [], fetch: (u, init) => fetch(u, { ...init, signal: AbortSignal.timeout(API_TIMEOUT_MS) }) });
  } catch (e) {
    if (e instanceof UsageError || e instanceof CliError) return missing('api', e.message, e.message.includes('Region') ? 'set AWS_REGION or pass --region' : fix.reach, true);
    throw e;
  }
  const at = new URL(api.url).origin;
  try {
    await api.getRun(PROBE_RUN);
    return ok('api', `${at} answered a signed request`, true);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return ok('api', `${at} answered a signed request (HTTP 404 for a run that does not exist, as it should)`, true);
    if (e instanceof ApiError && e.status === 403) return missing('api', `${at} refused the signed request: ${e.message.replace(/; the caller may not .*\)$/, ')')}`, fix.forbidden, true);
    if (e instanceof ApiError) return missing('api', `${at} failed: ${e.message}`, 'the deployment\'s API function failed: see its CloudWatch logs, or deploy again (hyperp deploy)', true);
    if (e instanceof CliError) return missing('api', e.message, fix.reach, true);
    throw e;
  }
};
