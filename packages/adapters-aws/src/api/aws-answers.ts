/**
 * What the API answers when an AWS call behind a request fails: a JSON error that says which
 * call failed and how AWS answered, with the status that tells the CLI what to do — never the
 * function's crash (a Function URL turns an unhandled error into a bare 502 and the stack goes to
 * the log only). The class comes from `aws/failure-class.ts`; the status from what the caller can
 * do about it:
 *
 * - throttling (`ThrottlingException`, `LimitExceededException`, any 429): 429 with `Retry-After`;
 * - other "not now" answers (`ServiceUnavailableException`, `ServerException`, any 5xx, network): 503 with `Retry-After`;
 * - a resource the request names that does not exist (a log stream not written yet): 404;
 * - a parameter the caller gave that AWS refuses (a `nextToken`): 400;
 * - everything else (access denied: the deployment's permissions; a repository that is gone;
 *   a refused parameter hyperp made): 502, the API's "a service behind me failed".
 *
 * The CLI asks again after a 429, 502 or 503 (`cli/src/remote/client.ts`). Errors each call may
 * answer: CloudWatch Logs API Reference "GetLogEvents" (InvalidParameterException,
 * ResourceNotFoundException, ServiceUnavailableException) and "Common Errors"
 * (AccessDeniedException, ThrottlingException); ECR API Reference "BatchGetImage"
 * (InvalidParameterException, LimitExceededException, RepositoryNotFoundException,
 * ServerException, UnableToGetUpstreamImageException) and "Common Errors"; read 2026-12.
 */
import { classifyAwsError, isThrottlingError } from '../aws/failure-class.js';
import { json, type HttpResult } from '../http/response.js';

/** How soon a caller may ask again after a "not now" answer. */
export const AWS_RETRY_AFTER_SECONDS = 5;

/** An answer other than success, raised anywhere in a request and rendered once at the edge. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Readonly<Record<string, string>> = {}) {
    super(message);
  }

  get answer(): HttpResult {
    const r = json(this.status, { error: this.message });
    return { ...r, headers: { ...r.headers, ...this.headers } };
  }
}

/** Which failures of a call are the caller's to fix, and how to say so. */
export interface CallerCauses {
  /** `ResourceNotFoundException` and the like mean what the request names is not there: 404 with this. */
  readonly notFound?: string;
  /** `InvalidParameterException` and the like come from what the caller gave: 400 with this. */
  readonly invalid?: string;
}

const NOT_FOUND = new Set(['ResourceNotFoundException', 'NotFoundException']);
const INVALID = new Set(['InvalidParameterException', 'ValidationException']);

/** True for an error an AWS SDK call threw (a service answer or the SDK's own network error). */
export const isAwsError = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && ('$metadata' in e || '$fault' in e || (e as { name?: unknown }).name === 'TimeoutError'
    || typeof (e as { code?: unknown }).code === 'string');

/** The answer for `call` (e.g. "CloudWatch Logs GetLogEvents") failing with `e`. */
export const awsFailureAnswer = (call: string, e: unknown, causes: CallerCauses = {}): HttpError => {
  const c = classifyAwsError(e);
  const retry = { 'retry-after': String(AWS_RETRY_AFTER_SECONDS) };
  if (isThrottlingError(e)) return new HttpError(429, `${call} is throttled (${c.reason}); ask again in a few seconds`, retry);
  if (c.failure === 'retryable') return new HttpError(503, `${call} is unavailable right now (${c.reason}); ask again in a few seconds`, retry);
  if (causes.notFound !== undefined && NOT_FOUND.has(c.name)) return new HttpError(404, `${causes.notFound} (${c.reason})`);
  if (causes.invalid !== undefined && INVALID.has(c.name)) return new HttpError(400, `${causes.invalid} (${c.reason})`);
  const hint = c.name === 'AccessDeniedException' || c.name === 'AccessDenied'
    ? ': the API function is not allowed this call; the deployment\'s permissions (src/contract/permissions.json) need it'
    : '';
  return new HttpError(502, `${call} failed: ${c.reason}${hint}`);
};

/** Runs one AWS call of a request; its failure becomes the answer above. */
export const awsCall = async <T>(call: string, send: () => Promise<T>, causes: CallerCauses = {}): Promise<T> => {
  try {
    return await send();
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw awsFailureAnswer(call, e, causes);
  }
};
