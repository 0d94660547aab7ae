/**
 * A stand-in for a Lambda Function URL with AWS_IAM auth, on 127.0.0.1: it checks each request's
 * SigV4 signature the way the service does (recomputed with the caller's secret, service
 * `lambda`; a mismatch is a 403 before the function runs), turns the request into the Function
 * URL event, calls the handler and sends back its answer.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

export interface Caller {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly userArn: string;
}

export interface HandlerAnswer {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface Served {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

export interface FunctionUrl {
  readonly url: string;
  /** Every request, in order, with the status sent back. */
  readonly served: Served[];
  readonly stop: () => Promise<void>;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

const forbidden = (message: string) => ({ statusCode: 403, body: JSON.stringify({ Message: message }) });

/** `20261122T080000Z` → the Date the signer used. */
const parseAmzDate = (s: string | undefined): Date | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
};

const headerValue = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

/** The caller when the signature holds; else why not, as the service would answer. */
const verify = async (req: IncomingMessage, url: URL, body: string, region: string, callers: readonly Caller[]): Promise<Caller | string> => {
  const auth = AUTH.exec(headerValue(req, 'authorization') ?? '');
  if (!auth) return 'Missing Authentication Token';
  const [, keyId, , scopeRegion, service, signedHeaders, signature] = auth;
  const caller = callers.find((c) => c.accessKeyId === keyId);
  if (!caller) return 'The security token included in the request is invalid.';
  if (scopeRegion !== region || service !== 'lambda') return `Credential should be scoped to a valid region and service lambda, not ${scopeRegion}/${service}.`;
  const signingDate = parseAmzDate(headerValue(req, 'x-amz-date'));
  if (!signingDate) return 'The request must carry a valid X-Amz-Date.';
  const names = signedHeaders!.split(';');
  // Lambda takes no unsigned payload: a request with a body must sign its hash.
  if (body !== '' && !names.includes('x-amz-content-sha256')) return 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';
  // The payload hash is recomputed from the body received, never taken from the header.
  const headers = Object.fromEntries(
    names.filter((n) => n !== 'x-amz-content-sha256').map((n) => [n, headerValue(req, n) ?? '']),
  );
  const signer = new SignatureV4({
    service: 'lambda', region, sha256: Sha256, applyChecksum: names.includes('x-amz-content-sha256'),
    credentials: { accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey },
  });
  const expected = await signer.sign(
    {
      method: req.method ?? 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname,
      query: Object.fromEntries(url.searchParams), headers, ...(body !== '' ? { body } : {}),
    },
    { signingDate },
  );
  const want = /Signature=([0-9a-f]{64})$/.exec(expected.headers['authorization'] ?? '')?.[1] ?? '';
  const same = want.length === signature!.length && timingSafeEqual(Buffer.from(want), Buffer.from(signature!));
  return same ? caller : 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';
};

const eventOf = (req: IncomingMessage, url: URL, body: string, caller: Caller): LambdaFunctionURLEvent => {
  const headers = Object.fromEntries(Object.keys(req.headers).map((k) => [k, headerValue(req, k) ?? '']));
  const query = url.search ? Object.fromEntries(url.searchParams) : undefined;
  return {
    version: '2.0', routeKey: '$default', rawPath: url.pathname, rawQueryString: url.search.slice(1), headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '123456789012', apiId: 'local', domainName: url.host, domainPrefix: 'local', requestId: 'local', routeKey: '$default',
      stage: '$default', time: '', timeEpoch: 0,
      http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      authorizer: { iam: { accessKey: caller.accessKeyId, accountId: '123456789012', callerId: caller.accessKeyId, userArn: caller.userArn, userId: caller.accessKeyId } },
    } as unknown as LambdaFunctionURLEvent['requestContext'],
    ...(body !== '' ? { body } : {}),
    isBase64Encoded: false,
  };
};

export const startFunctionUrl = async (
  handler: (event: LambdaFunctionURLEvent) => Promise<unknown>, callers: readonly Caller[], region: string,
): Promise<FunctionUrl> => {
  const served: Served[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
        const body = Buffer.concat(chunks).toString('utf8');
        let answer: HandlerAnswer;
        try {
          const who = await verify(req, url, body, region, callers);
          answer = typeof who === 'string' ? forbidden(who) : ((await handler(eventOf(req, url, body, who))) as HandlerAnswer);
        } catch (e) {
          answer = { statusCode: 502, body: JSON.stringify({ Message: `the function failed: ${e instanceof Error ? e.message : String(e)}` }) };
        }
        served.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, status: answer.statusCode });
        res.writeHead(answer.statusCode, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body ?? '');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    served,
    stop: () =>
      new Promise((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections(); // fetch keeps connections alive
      }),
  };
};
