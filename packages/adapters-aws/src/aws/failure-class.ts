/**
 * Every AWS error the adapters meet, sorted into the three classes the reducer acts on
 * (`FailureClass`): `retryable` (say "not now": sent again after a back-off), `permanent` (the
 * request cannot succeed as sent: what it was for fails, with AWS's message) and `unknown`
 * (nobody recognised it: retried a few times, then permanent). One table, each fact with its
 * source; docs/operations.md shows the same table with what the user sees.
 *
 * How the SDK shows an error (AWS SDK for JavaScript v3 Developer Guide, "Handling errors",
 * read 2026-12): a service error is an `Error` whose `name` is the service's error code, with
 * `$fault` ('client' or 'server'), `$metadata.httpStatusCode` and the service's `message`; a
 * network failure is a Node error with a `code` (ECONNRESET, …) or the SDK's `TimeoutError`.
 */
import type { FailureClass } from '@hyperp/core';

export interface ClassifiedFailure {
  readonly failure: FailureClass;
  /** `Name: message`, as AWS said it: the reason a person reads. */
  readonly reason: string;
  /** The error's name (AWS's error code), or `Error`. */
  readonly name: string;
}

const THROTTLING_NAMES = [
  'ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded',
  'ProvisionedThroughputExceededException', 'RequestThrottled', 'RequestThrottledException', 'SlowDown',
  'LimitExceededException', 'TransactionInProgressException', 'EC2ThrottledException',
] as const;

interface Rule {
  readonly class: Exclude<FailureClass, 'unknown'>;
  readonly names: readonly string[];
  /** When set, the rule applies only when the message contains this. */
  readonly message?: RegExp;
  readonly source: string;
}

/**
 * Checked in order; the first rule that matches decides. Messages come before names: ECS
 * answers "too many concurrent attempts" as a ClientException, which is otherwise permanent.
 */
export const awsErrorRules: readonly Rule[] = [
  {
    class: 'retryable',
    names: ['ClientException'],
    message: /Too many concurrent attempts to create a new revision of the specified family/i,
    source: 'ECS RegisterTaskDefinition answers this ClientException when revisions of one family are registered at once: not in the API reference, reported in public issue threads of tools that register task definitions in parallel (read 2026-12). Families are shared across runs and pushes, so it is "not now", not "wrong"',
  },
  {
    class: 'retryable',
    names: THROTTLING_NAMES,
    source: 'ECS API Reference "Common Errors" (ThrottlingException, 400); Lambda API Reference "Invoke" (TooManyRequestsException, 429; EC2ThrottledException, 502); EC2 "RequestLimitExceeded"; DynamoDB "ProvisionedThroughputExceededException" and "TransactionInProgressException"; S3 "SlowDown" (503); read 2026-12',
  },
  {
    class: 'retryable',
    names: [
      'ServerException', 'InternalFailure', 'InternalServerError', 'InternalServerException', 'ServiceException',
      'ServiceUnavailable', 'ServiceUnavailableException', 'InternalError',
    ],
    source: 'ECS API Reference (ServerException: "These errors are usually caused by a server issue", 500); Common Errors (InternalFailure 500, ServiceUnavailable 503); Lambda "Invoke" (ServiceException 500); read 2026-12',
  },
  {
    class: 'retryable',
    names: [
      'ResourceNotReadyException', 'ResourceConflictException', 'EFSMountConnectivityException', 'EFSMountTimeoutException',
      'EFSIOException', 'ENILimitReachedException', 'SubnetIPAddressLimitReachedException',
    ],
    source: 'Lambda API Reference "Invoke": the function is being created or updated (ResourceNotReadyException 502, ResourceConflictException 409) or its EFS or network interface could not be reached right now (EFSMount*, ENILimitReached, SubnetIPAddressLimitReached); read 2026-12',
  },
  {
    class: 'retryable',
    names: ['AccessPointLimitExceeded'],
    source: 'EFS API Reference "CreateAccessPoint" (AccessPointLimitExceeded, 403: the file system holds the most access points it may; ThrottlingException, 429: created too quickly while near that limit) and EFS User Guide "Creating access points" (10,000 per file system), read 2026-12. hyperp\'s access points are per run and deleted as runs end (efs/access-points.ts), so the limit frees as other runs finish: "not now", not "wrong"',
  },
  {
    class: 'retryable',
    names: ['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError', 'AbortError'],
    source: 'AWS SDK for JavaScript v3: requestHandler timeouts surface as TimeoutError; AWS CLI/SDK retry guide "Retry behavior" lists transient errors (timeouts, connection errors), read 2026-12',
  },
  {
    class: 'permanent',
    names: [
      'AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnrecognizedClientException', 'InvalidSignatureException',
      'KMSAccessDeniedException', 'KMSDisabledException', 'KMSNotFoundException', 'KMSInvalidStateException',
    ],
    source: 'ECS API Reference "Common Errors" (AccessDeniedException, 400: "You do not have sufficient access"); RegisterTaskDefinition with a taskRoleArn the caller may not pass answers AccessDeniedException (iam:PassRole, IAM User Guide "Granting a user permissions to pass a role", read 2026-12); retrying does not grant a permission',
  },
  {
    class: 'permanent',
    names: [
      'ClientException', 'InvalidParameterException', 'InvalidParameterValueException', 'ValidationException',
      'InvalidRequestContentException', 'RequestTooLargeException', 'UnsupportedFeatureException', 'PlatformUnknownException',
      'PlatformTaskDefinitionIncompatibilityException', 'BlockedException', 'MissingParameter', 'SerializationException',
      'BadRequest', 'IncorrectFileSystemLifeCycleState', 'UnableToGetUpstreamImageException',
    ],
    source: 'ECS API Reference: ClientException ("client action … such as using an action or resource on behalf of a user that doesn\'t have permissions … or specifying an identifier that isn\'t valid"), InvalidParameterException ("The specified parameter isn\'t valid"), PlatformUnknownException, UnsupportedFeatureException, BlockedException; Lambda "Invoke" (InvalidRequestContentException, RequestTooLargeException); EFS "CreateAccessPoint" (BadRequest 400, IncorrectFileSystemLifeCycleState 409); ECR "BatchGetImage" (UnableToGetUpstreamImageException); read 2026-12',
  },
  {
    class: 'permanent',
    names: [
      'ResourceNotFoundException', 'NotFoundException', 'ClusterNotFoundException', 'TargetNotConnectedException',
      'NoSuchBucket', 'NoSuchKey', 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue',
      'FileSystemNotFound', 'RepositoryNotFoundException',
    ],
    source: 'ECS API Reference (ClusterNotFoundException, ResourceNotFoundException); Lambda "Invoke" (ResourceNotFoundException 404); S3 (NoSuchBucket); SQS "SendMessage" (QueueDoesNotExist); EFS "CreateAccessPoint" (FileSystemNotFound 404); ECR "BatchGetImage" (RepositoryNotFoundException); read 2026-12',
  },
  {
    class: 'permanent',
    names: ['ConflictException'],
    source: 'ECS RunTask: "The provided clientToken is already in use with a different RunTask request" (ECS API Reference "ConflictException", read 2026-12); the launch first re-reads the tasks of the token (`ecs-launch.ts`), so one that reaches here cannot be resolved',
  },
];

/** Node's codes for a connection that failed or dropped (Node.js "Common system errors", read 2026-12). */
export const NETWORK_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

interface AwsErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly $retryable?: { readonly throttling?: unknown };
}

const reasonOf = (name: string, message: string): string => (message === '' ? name : `${name}: ${message}`);

/** The class of an error thrown by an AWS SDK call (or anything the adapters call on its way). */
export const classifyAwsError = (e: unknown): ClassifiedFailure => {
  if (e === null || typeof e !== 'object') return { failure: 'unknown', reason: `non-error thrown: ${String(e)}`, name: 'Error' };
  const x = e as AwsErrorShape;
  const name = typeof x.name === 'string' && x.name !== '' ? x.name : 'Error';
  const message = typeof x.message === 'string' ? x.message : '';
  const reason = reasonOf(name, message);
  for (const rule of awsErrorRules) {
    if (!rule.names.includes(name)) continue;
    if (rule.message && !rule.message.test(message)) continue;
    return { failure: rule.class, reason, name };
  }
  const status = typeof x.$metadata?.httpStatusCode === 'number' ? x.$metadata.httpStatusCode : undefined;
  // HTTP semantics, for codes no rule names: 429 and 5xx are "not now", other 4xx are the request's fault.
  if (status === 429 || /rate exceeded/i.test(message) || x.$retryable?.throttling === true) return { failure: 'retryable', reason, name };
  if (x.$fault === 'server' || (status !== undefined && status >= 500)) return { failure: 'retryable', reason, name };
  if (typeof x.code === 'string' && NETWORK_CODES.has(x.code)) return { failure: 'retryable', reason: reasonOf(x.code, message), name };
  if (x.$fault === 'client' && status !== undefined && status >= 400) return { failure: 'permanent', reason, name };
  return { failure: 'unknown', reason, name };
};

/** True for errors that say "slow down" rather than "this is wrong" (a short in-call retry helps). */
export const isThrottlingError = (e: unknown): boolean => {
  const c = classifyAwsError(e);
  return c.failure === 'retryable' && ((THROTTLING_NAMES as readonly string[]).includes(c.name) || /rate exceeded/i.test(c.reason)
    || (e as AwsErrorShape).$metadata?.httpStatusCode === 429);
};
