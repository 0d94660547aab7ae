/**
 * SigV4 signing of API requests (service `lambda`: the API is a Lambda Function URL with AWS_IAM
 * auth). Paths and queries are encoded the strict RFC 3986 way SigV4 canonicalises them, so what
 * is sent is exactly what was signed.
 */
import type { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from './credentials.js';

/** `encodeURIComponent` plus the characters it leaves alone that SigV4 encodes. */
export const strictEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path segments, unencoded: `['runs', runId, 'jobs', job, 'download']`. */
  readonly segments: readonly string[];
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

export interface SignedFetch {
  readonly url: string;
  readonly init: { method: string; headers: Record<string, string>; body?: string };
}

export const requestSigner = (region: string, credentials: AwsCredentialIdentityProvider) => {
  // Loaded on first use: local commands do not pay for the signer.
  let signer: Promise<SignatureV4> | undefined;
  const load = async (): Promise<SignatureV4> => {
    const [{ SignatureV4 }, { Sha256 }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-crypto/sha256-js')]);
    return new SignatureV4({ service: 'lambda', region, credentials, sha256: Sha256 });
  };
  return async (base: URL, r: ApiRequest): Promise<SignedFetch> => {
    const prefix = base.pathname.replace(/\/+$/, '');
    const path = `${prefix}/${r.segments.map(strictEncode).join('/')}`;
    const query = Object.fromEntries(Object.entries(r.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
    const search = Object.entries(query).map(([k, v]) => `${strictEncode(k)}=${strictEncode(v)}`).join('&');
    const body = r.body === undefined ? undefined : JSON.stringify(r.body);
    signer ??= load();
    const signed = await (await signer).sign({
      method: r.method,
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path,
      query,
      headers: { host: base.host, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body } : {}),
    });
    // fetch sets Host itself, from the URL: the same value that was signed.
    const { host: _host, ...headers } = signed.headers;
    return {
      url: `${base.origin}${path}${search ? `?${search}` : ''}`,
      init: { method: r.method, headers, ...(body !== undefined ? { body } : {}) },
    };
  };
};
