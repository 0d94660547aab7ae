/**
 * AWS's documented errors, as the SDK for JavaScript v3 throws them: `name` (the error code),
 * `$fault`, `$metadata.httpStatusCode` and the message as the service sends it, per API the
 * adapters call; and RunTask's `failures[]` reasons. The fault-injection suite draws from here.
 * Sources: ECS API Reference (RunTask, RegisterTaskDefinition, StopTask, ListTasks,
 * DescribeTasks, Common Errors), Lambda API Reference (Invoke), SQS API Reference
 * (SendMessage), S3 API Reference "Error responses" (PutObject), EFS API Reference (CreateAccessPoint,
 * DeleteAccessPoint, DescribeAccessPoints), ECS Developer Guide "API failure reasons"; read 2026-12.
 */
import type { FailureClass } from '@hyperp/core';
import { GitHubError } from '../../src/github/repo-reader.js';

export interface AwsFault {
  readonly api: string;
  readonly class: FailureClass;
  /** Thrown (an exception) or answered (`failures[]` of RunTask, a Lambda function error). */
  readonly error?: () => Error;
  readonly failure?: { readonly reason: string; readonly detail?: string };
  readonly functionError?: string;
  /** The call did its work, then the answer was lost (a timeout or a dropped connection). */
  readonly afterWork?: boolean;
}

export const awsError = (name: string, message: string, status: number, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(message), {
    name, $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: '5c0f5a7e-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 },
    ...extra,
  });

const networkError = (code: string, message: string): Error => Object.assign(new Error(message), { name: 'Error', code });
const timeout = (): Error => Object.assign(new Error('Connection timed out after 30000 ms'), { name: 'TimeoutError' });

const throttled = (api: string): AwsFault => ({ api, class: 'retryable', error: () => awsError('ThrottlingException', 'Rate exceeded', 400) });
const server = (api: string): AwsFault => ({ api, class: 'retryable', error: () => awsError('ServerException', 'Service Unavailable. Please try again later.', 500) });
const denied = (api: string, action: string): AwsFault => ({
  api, class: 'permanent',
  error: () => awsError('AccessDeniedException', `User: arn:aws:sts::123456789012:assumed-role/hyperp-stepper/hyperp-stepper is not authorized to perform: ${action} on resource: *`, 400),
});

export const faultsByApi: Readonly<Record<string, readonly AwsFault[]>> = {
  RunTask: [
    throttled('RunTask'),
    server('RunTask'),
    { api: 'RunTask', class: 'retryable', failure: { reason: 'RESOURCE:MEMORY' } },
    { api: 'RunTask', class: 'retryable', failure: { reason: 'AGENT' } },
    { api: 'RunTask', class: 'retryable', failure: { reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' } },
    { api: 'RunTask', class: 'retryable', error: () => networkError('ECONNRESET', 'socket hang up'), afterWork: true },
    { api: 'RunTask', class: 'retryable', error: timeout, afterWork: true },
    { api: 'RunTask', class: 'permanent', failure: { reason: 'MISSING', detail: 'The specified task definition does not exist.' } },
    { api: 'RunTask', class: 'permanent', error: () => awsError('InvalidParameterException', 'TaskDefinition is inactive', 400) },
    denied('RunTask', 'ecs:RunTask'),
  ],
  RegisterTaskDefinition: [
    { api: 'RegisterTaskDefinition', class: 'retryable', error: () => awsError('ClientException', 'Too many concurrent attempts to create a new revision of the specified family.', 400) },
    throttled('RegisterTaskDefinition'),
    server('RegisterTaskDefinition'),
    denied('RegisterTaskDefinition', 'iam:PassRole'),
    { api: 'RegisterTaskDefinition', class: 'permanent', error: () => awsError('ClientException', "Invalid 'cpu' setting for task.", 400) },
  ],
  StopTask: [
    throttled('StopTask'),
    server('StopTask'),
    { api: 'StopTask', class: 'retryable', error: timeout },
    denied('StopTask', 'ecs:StopTask'),
  ],
  ListTasks: [throttled('ListTasks'), server('ListTasks')],
  DescribeTasks: [throttled('DescribeTasks'), server('DescribeTasks'), denied('DescribeTasks', 'ecs:DescribeTasks')],
  DeregisterTaskDefinition: [throttled('DeregisterTaskDefinition'), { api: 'DeregisterTaskDefinition', class: 'permanent', error: () => awsError('ClientException', 'The specified task definition is already INACTIVE.', 400) }],
  DeleteTaskDefinitions: [throttled('DeleteTaskDefinitions'), server('DeleteTaskDefinitions')],
  InvokeSync: [
    { api: 'InvokeSync', class: 'retryable', error: () => awsError('TooManyRequestsException', 'Rate Exceeded.', 429, { Reason: 'ConcurrentInvocationLimitExceeded' }) },
    { api: 'InvokeSync', class: 'retryable', error: () => awsError('ServiceException', 'An internal error occurred.', 500) },
    { api: 'InvokeSync', class: 'retryable', error: () => awsError('EFSMountTimeoutException', 'The function could not mount the EFS file system.', 408) },
    { api: 'InvokeSync', class: 'unknown', functionError: '{"errorType":"Error","errorMessage":"EIO: i/o error, mkdir"}' },
    denied('InvokeSync', 'lambda:InvokeFunction'),
  ],
  InvokeAsync: [
    { api: 'InvokeAsync', class: 'retryable', error: () => awsError('TooManyRequestsException', 'Rate Exceeded.', 429) },
    { api: 'InvokeAsync', class: 'retryable', error: () => awsError('ServiceException', 'An internal error occurred.', 500) },
    denied('InvokeAsync', 'lambda:InvokeFunction'),
  ],
  PutObject: [
    { api: 'PutObject', class: 'retryable', error: () => awsError('SlowDown', 'Please reduce your request rate.', 503) },
    { api: 'PutObject', class: 'retryable', error: () => awsError('InternalError', 'We encountered an internal error. Please try again.', 500) },
    { api: 'PutObject', class: 'retryable', error: () => networkError('ECONNRESET', 'socket hang up') },
    { api: 'PutObject', class: 'permanent', error: () => awsError('AccessDenied', 'Access Denied', 403) },
    { api: 'PutObject', class: 'permanent', error: () => awsError('NoSuchBucket', 'The specified bucket does not exist', 404) },
  ],
  // A HEAD answer has no body, so the SDK names its error by the HTTP status and marks it a client
  // fault whatever the status (smithy-client `throwDefaultError`; S3 API Reference "HeadObject":
  // "it returns a generic code, such as 400 Bad Request, 403 Forbidden, 404 Not Found"), read 2026-12.
  HeadObject: [
    { api: 'HeadObject', class: 'retryable', error: () => awsError('503', 'UnknownError', 503, { $fault: 'client' }) },
    { api: 'HeadObject', class: 'retryable', error: () => awsError('500', 'UnknownError', 500, { $fault: 'client' }) },
    { api: 'HeadObject', class: 'retryable', error: timeout },
    { api: 'HeadObject', class: 'permanent', error: () => awsError('403', 'UnknownError', 403) },
  ],
  // The multipart parts of a large context (UploadPart, CompleteMultipartUpload: S3 API Reference, read 2026-12).
  UploadPart: [
    { api: 'UploadPart', class: 'retryable', error: () => awsError('SlowDown', 'Please reduce your request rate.', 503) },
    { api: 'UploadPart', class: 'retryable', error: () => awsError('RequestTimeout', 'Your socket connection to the server was not read from or written to within the timeout period.', 400) },
    { api: 'UploadPart', class: 'permanent', error: () => awsError('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404) },
    { api: 'UploadPart', class: 'permanent', error: () => awsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', 400) },
  ],
  // The Git Trees and Blobs API as the context is read (REST docs "Git trees", "Git blobs",
  // "Rate limits for the REST API", read 2026-12), through `GitHubError`.
  GitHub: [
    { api: 'GitHub', class: 'retryable', error: () => new GitHubError('GitHub API: blob 3f2a of acme/calculator failed (HTTP 502): Server Error', 502) },
    { api: 'GitHub', class: 'retryable', error: () => new GitHubError('GitHub API: blob 3f2a of acme/calculator failed (HTTP 403): API rate limit exceeded for installation ID 77.', 403) },
    { api: 'GitHub', class: 'retryable', error: () => new GitHubError('GitHub API: tree 3f2a of acme/calculator failed (HTTP 429): You have exceeded a secondary rate limit.', 429) },
    { api: 'GitHub', class: 'permanent', error: () => new GitHubError('GitHub API: tree 3f2a of acme/calculator failed (HTTP 404): Not Found', 404) },
    { api: 'GitHub', class: 'permanent', error: () => new GitHubError('GitHub API: blob 3f2a of acme/calculator failed (HTTP 403): Resource not accessible by integration', 403) },
  ],
  // EFS API Reference, "CreateAccessPoint" / "DeleteAccessPoint" / "DescribeAccessPoints", read 2026-12.
  CreateAccessPoint: [
    { api: 'CreateAccessPoint', class: 'retryable', error: () => awsError('AccessPointLimitExceeded', 'You have reached the maximum number of access points (10000) for your file system fs-12345678.', 403, { ErrorCode: 'AccessPointLimitExceeded' }) },
    { api: 'CreateAccessPoint', class: 'retryable', error: () => awsError('ThrottlingException', 'Rate exceeded', 429, { ErrorCode: 'ThrottlingException' }) },
    { api: 'CreateAccessPoint', class: 'retryable', error: () => awsError('InternalServerError', 'An internal error occurred.', 500, { ErrorCode: 'InternalServerError' }) },
    { api: 'CreateAccessPoint', class: 'permanent', error: () => awsError('FileSystemNotFound', "File system 'fs-12345678' does not exist.", 404, { ErrorCode: 'FileSystemNotFound' }) },
  ],
  DeleteAccessPoint: [
    { api: 'DeleteAccessPoint', class: 'retryable', error: () => awsError('ThrottlingException', 'Rate exceeded', 429, { ErrorCode: 'ThrottlingException' }) },
    { api: 'DeleteAccessPoint', class: 'retryable', error: () => awsError('InternalServerError', 'An internal error occurred.', 500, { ErrorCode: 'InternalServerError' }) },
  ],
  DescribeAccessPoints: [
    { api: 'DescribeAccessPoints', class: 'retryable', error: () => awsError('ThrottlingException', 'Rate exceeded', 429, { ErrorCode: 'ThrottlingException' }) },
  ],
  SendMessage: [
    { api: 'SendMessage', class: 'retryable', error: () => awsError('RequestThrottled', 'Request is throttled.', 403) },
    { api: 'SendMessage', class: 'permanent', error: () => awsError('QueueDoesNotExist', 'The specified queue does not exist.', 400) },
  ],
};

/** A seeded PRNG (mulberry32): the suite replays exactly from its seed. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};
