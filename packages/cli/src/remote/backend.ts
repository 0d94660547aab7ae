/**
 * The one place that decides whether a command reads this machine's runs or a deployed hyperp:
 * `--local` forces the local runtime; otherwise `--api URL` or `HYPERP_API_URL` selects the
 * deployment's API, signed with the caller's AWS credentials for the API's Region.
 */
import type { Command } from 'commander';
import { CliError, UsageError, type CliContext } from '../context.js';
import { apiClient, type ApiClient, type ApiClientOptions } from './client.js';
import { credentialsFrom } from './credentials.js';
import { pollMsOf } from './poll.js';

export interface BackendOptions {
  readonly api?: string;
  readonly region?: string;
  readonly local?: boolean;
}

export type Backend =
  | { readonly _tag: 'Local' }
  | { readonly _tag: 'Remote'; readonly api: ApiClient; /** Between polls of `--follow` and `--wait`. */ readonly pollMs: number };

/** Adds `--api`, `--region` and `--local` to a command that can read a deployment. */
export const withBackendOptions = (cmd: Command): Command =>
  cmd
    .option('--api <url>', 'the deployed API (default: $HYPERP_API_URL)')
    .option('--region <region>', 'the API\'s AWS Region (default: $AWS_REGION, else the one in the URL)')
    .option('--local', 'use the runs of this machine even when HYPERP_API_URL is set');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const parseUrl = (given: string): URL => {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError(`the API URL "${given}" is not a URL; it is the deployment's \`apiUrl\` output (https://….lambda-url.<region>.on.aws/)`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new UsageError(`the API URL must use https (http only on this machine), not "${given}"`);
  }
  return url;
};

/** A Function URL names its Region: `https://<id>.lambda-url.<region>.on.aws/`. */
export const regionOfUrl = (url: URL): string | undefined => /\.lambda-url\.([a-z0-9-]+)\.on\.aws$/.exec(url.hostname)?.[1];

export const remoteApi = (ctx: CliContext, opts: BackendOptions, given: string, client: Pick<ApiClientOptions, 'fetch' | 'retryDelaysMs'> = {}): ApiClient => {
  const url = parseUrl(given);
  const region = opts.region ?? ctx.env['AWS_REGION'] ?? ctx.env['AWS_DEFAULT_REGION'] ?? regionOfUrl(url);
  if (!region) throw new CliError(`the API's AWS Region is unknown: set AWS_REGION or pass --region (the URL ${url.host} does not name one)`);
  return apiClient({ url: url.href, region, credentials: credentialsFrom(ctx.env), ...client });
};

export const backendOf = (ctx: CliContext, opts: BackendOptions): Backend => {
  if (opts.local && opts.api !== undefined) throw new UsageError('--local and --api contradict each other; give one');
  const url = opts.local ? undefined : opts.api ?? (ctx.env['HYPERP_API_URL'] || undefined);
  return url === undefined ? { _tag: 'Local' } : { _tag: 'Remote', api: remoteApi(ctx, opts, url), pollMs: pollMsOf(ctx.env) };
};

/** The API for a command that only makes sense remotely (`run --remote`). */
export const requireRemote = (ctx: CliContext, opts: BackendOptions, what: string): ApiClient => {
  const backend = backendOf(ctx, { ...opts, local: false });
  if (backend._tag === 'Local') throw new CliError(`${what} needs the deployed API: set HYPERP_API_URL or pass --api URL (docs/cli.md, "Remote mode")`);
  return backend.api;
};
