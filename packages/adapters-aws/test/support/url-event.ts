// A Lambda Function URL event as the API receives it, signed by ada (AWS_IAM auth).
import type { LambdaFunctionURLEvent } from 'aws-lambda';

export const http = (method: string, path: string, opts: { query?: Record<string, string>; body?: unknown } = {}): LambdaFunctionURLEvent => ({
  version: '2.0', routeKey: '$default', rawPath: path, rawQueryString: new URLSearchParams(opts.query ?? {}).toString(),
  headers: { 'content-type': 'application/json' },
  ...(opts.query ? { queryStringParameters: opts.query } : {}),
  requestContext: { http: { method, path }, authorizer: { iam: { userArn: 'arn:aws:iam::123456789012:user/ada' } } } as unknown as LambdaFunctionURLEvent['requestContext'],
  ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  isBase64Encoded: false,
});
