/**
 * The API for the CLI (Lambda Function URL with AWS_IAM auth: the CLI signs with the user's
 * credentials; the caller's ARN is recorded on cancels and manual runs). Also the target of the
 * cron schedules, which invoke it with a `{"kind":"cron",…}` payload instead of an HTTP event.
 *
 *   GET  /runs?repo=&workflow=|branch=|commit=&limit=&cursor=   list, newest first
 *   GET  /runs/{runId}                                          show
 *   GET  /runs/{runId}/detail                                   the run as `hyperp ui` draws it: edges, images, times
 *   GET  /runs/{runId}/logs?job=&index=&attempt=&container=&nextToken=   task output (CloudWatch Logs), secrets masked
 *   GET  /runs/{runId}/jobs/{job}/download                      presigned zip URL, or 202 while it is zipped
 *   POST /runs/{runId}/cancel   {reason?, requestId}
 *   POST /runs/{runId}/rerun    {failedOnly?, requestId}
 *   POST /runs                  {repo, branch, workflow, commit?, installationId?, requestId, inputs?}   planned while the caller waits
 *   GET    /secrets?repo=                                       a repository's secrets: names and dates, never values
 *   PUT    /secrets/{owner}/{repo}/{name}   {value}             creates or updates one
 *   DELETE /secrets/{owner}/{repo}/{name}                       deletes one
 */
import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { vecToArray, type RunState } from '@hyperp/core';
import {
  downloadableKey,
  jobArtifactPath,
  logStreamName,
  logStreamPrefix,
  maskPieces,
  type ApiDownloadLink,
  type ApiDownloadPreparing,
} from '@hyperp/core/internal';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import type { AwsConfig } from '../config.js';
import { invokeAsync } from '../aws/invoke.js';
import type { PresignedGet } from '../aws/presign.js';
import { awsCall, awsFailureAnswer, HttpError, isAwsError } from '../api/aws-answers.js';
import { STALE_MS, zipRequests } from '../api/zip-requests.js';
import { startManualRun } from '../api/manual-run.js';
import { runDetailView, runView } from '../api/run-view.js';
import type { EfsRequest } from './efs.js';
import { bodyText, json, type HttpResult } from '../http/response.js';
import type { PlanRequest } from '../planner/request.js';
import { requestEventId } from '../run/event-ids.js';
import { getRunMeta, type RunMeta } from '../run/meta.js';
import { startRerun } from '../run/rerun-request.js';
import { repositorySecrets, type SecretsClient } from '../secrets/repository-secrets.js';
import { mayManageSecrets, parseSecretsManagers, type SecretsManagerEntry } from '../secrets/managers.js';
import { secretMasks, type SecretMasks } from '../secrets/run-mask.js';
import type { ListBy } from '../store/run-listing.js';
import type { Store } from '../store/store.js';
import { storedRunOf } from '../run/stored-run.js';

export interface ApiDeps {
  readonly store: Store;
  readonly config: AwsConfig;
  readonly lambda: Pick<LambdaClient, 'send'>;
  readonly logs: Pick<CloudWatchLogsClient, 'send'>;
  /** Repositories' secrets (`secrets/repository-secrets.ts`). */
  readonly secrets: SecretsClient;
  /**
   * The masks of runs' logs (`secrets/run-mask.ts`); production shares one per container, so
   * values read for masking are kept across requests for a short while. Default: one of `secrets`.
   */
  readonly masks?: SecretMasks;
  /** Signs for at most `expiresInSeconds`, and less when its credentials end sooner. */
  readonly presign: (bucket: string, key: string, expiresInSeconds: number) => Promise<PresignedGet>;
  /** Cron runs (asynchronous); a manual run invokes the planner itself and waits (`api/manual-run.ts`). */
  readonly startPlanner: (request: PlanRequest) => Promise<void>;
  /** What this invocation has left (Lambda's `getRemainingTimeInMillis`): how long a manual run may wait for the planner. */
  readonly remainingMs?: () => number;
  /**
   * The image tags among these that ECR still holds (production: BatchGetImage). A rerun reuses
   * only those: the registry expires images nobody pulled for a while, however the old run went.
   * Without it (wirings with no registry), the images the old run built or reused are taken to exist.
   */
  readonly imagesInRegistry?: (tags: readonly string[]) => Promise<ReadonlySet<string>>;
  readonly now: () => number;
  /** Where a failure nobody foresaw is written with its stack (the answer carries only its message). */
  readonly log?: (message: string, detail?: Record<string, unknown>) => void;
}

export type CronInvocation = Extract<PlanRequest, { kind: 'cron' }>;

const PRESIGN_SECONDS = 3600;
/** How soon a client should ask again about a zip being prepared. */
const RETRY_AFTER_SECONDS = 10;
/** How far a manual run's `requestedAt` may be from the API's clock. */
const REQUESTED_AT_SKEW_MS = 15 * 60_000;


const callerOf = (event: LambdaFunctionURLEvent): string | null =>
  (event.requestContext as { authorizer?: { iam?: { userArn?: string } } }).authorizer?.iam?.userArn ?? null;

const parseJson = (event: LambdaFunctionURLEvent): Record<string, unknown> => {
  const text = bodyText(event);
  if (text === '') return {};
  try {
    const v = JSON.parse(text);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'the request body must be a JSON object');
};

const requireString = (body: Record<string, unknown>, key: string): string => {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new HttpError(400, `"${key}" is required and must be a non-empty string`);
  return v;
};

export const apiHandler = (d: ApiDeps) => {
  // Read once, on first use: a malformed list fails the secrets routes with its reason, not the others.
  let managerEntries: readonly SecretsManagerEntry[] | undefined;
  const managers = (): readonly SecretsManagerEntry[] | undefined =>
    d.config.secretsManagers === undefined ? undefined : (managerEntries ??= parseSecretsManagers(d.config.secretsManagers));
  const masks = d.masks ?? secretMasks(d.secrets, d.config.familyPrefix, d.now);
  const loadRun = async (runId: string): Promise<{ meta: RunMeta; run: RunState }> => {
    const saved = await d.store.states.load(runId);
    if (!saved) throw new HttpError(404, `no run ${runId}`);
    return storedRunOf(saved).state;
  };

  const list = async (q: Record<string, string | undefined>): Promise<HttpResult> => {
    const repo = q['repo'];
    if (!repo) throw new HttpError(400, 'query parameter "repo" is required (owner/name)');
    const by: ListBy = q['workflow']
      ? { by: 'workflow', repo, workflow: q['workflow'] }
      : q['branch']
        ? { by: 'branch', repo, branch: q['branch'] }
        : q['commit']
          ? { by: 'commit', repo, commit: q['commit'] }
          : { by: 'repo', repo };
    const limit = q['limit'] ? Number(q['limit']) : undefined;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new HttpError(400, '"limit" must be a positive whole number');
    return json(200, await d.store.listing.list(by, { ...(limit ? { limit } : {}), ...(q['cursor'] ? { cursor: q['cursor'] } : {}) }));
  };

  const logs = async (runId: string, q: Record<string, string | undefined>): Promise<HttpResult> => {
    const { meta, run } = await loadRun(runId);
    const jobName = q['job'];
    const job = vecToArray(run.jobs).find((j) => j.name === jobName);
    if (!job) throw new HttpError(404, `run ${runId} has no job ${JSON.stringify(jobName ?? '')}`);
    const index = Number(q['index'] ?? '1');
    const task = vecToArray(job.tasks).find((t) => t.index === index);
    // The newest attempt unless one is asked for (`hyperp logs --attempt N`).
    const attempt = q['attempt'] ? task?.attempts.find((a) => a.attempt === Number(q['attempt'])) : task?.attempts[task.attempts.length - 1];
    if (!attempt?.taskArn) throw new HttpError(404, `task ${index}${q['attempt'] ? ` attempt ${q['attempt']}` : ''} of ${job.name} has not started`);
    const container =
      q['container'] ?? run.request?.workflow.jobs.find((j) => j.name === job.name)?.taskDefinition.containerDefinitions[0]?.name ?? '';
    const stream = logStreamName(logStreamPrefix(runId, meta.workflow, job.name), container, attempt.taskArn);
    const r = await awsCall('CloudWatch Logs GetLogEvents', () => d.logs.send(
      new GetLogEventsCommand({
        logGroupName: d.config.taskLogGroup, logStreamName: stream, startFromHead: true,
        ...(q['nextToken'] ? { nextToken: q['nextToken'] } : {}),
      }),
    ), {
      // The task has not written its first line yet, or its logs expired.
      notFound: `no log stream ${stream} in ${d.config.taskLogGroup}: the task has not logged anything yet, or its logs have expired`,
      ...(q['nextToken'] ? { invalid: `CloudWatch Logs refused the request: is "nextToken" one it gave?` } : {}),
    });
    const events = r.events ?? [];
    // What the job printed of its secrets is served as ***; a mask that cannot be read serves nothing.
    const patterns = events.length === 0 ? [] : await awsCall('Secrets Manager GetSecretValue', () => masks.forRun(meta.repo, run));
    const messages = maskPieces(events.map((e) => e.message ?? ''), patterns);
    return json(200, {
      logStream: stream,
      events: events.map((e, i) => ({ at: e.timestamp ?? null, message: messages[i]! })),
      nextToken: r.nextForwardToken ?? null,
    });
  };

  /**
   * A succeeded job's zip: a presigned URL when it exists; otherwise the zip is started once
   * (asynchronously: a large output takes longer than an API answer may) and the answer is 202
   * "preparing" until the EFS helper logs its result.
   */
  const download = async (runId: string, jobName: string): Promise<HttpResult> => {
    const { meta, run } = await loadRun(runId);
    const job = vecToArray(run.jobs).find((j) => j.name === jobName);
    if (!job) throw new HttpError(404, `run ${runId} has no job ${JSON.stringify(jobName)}`);
    if (job.status !== 'SUCCEEDED') throw new HttpError(409, `job ${jobName} is ${job.status}; only a succeeded job's output can be downloaded`);
    const scope = { commit: meta.commit, runId: job.outputRunId, workflow: meta.workflow };
    const key = downloadableKey(scope, jobName);
    if (job.downloadable?.status === 'READY') return ready(key, false);

    const zips = zipRequests(d.store.ctx);
    const now = d.now();
    let z = await zips.get(runId, jobName);
    if (z) {
      const outcome = await zips.outcome(runId, jobName, z.attempt);
      if (outcome._tag === 'Ready') return ready(key, true);
      if (outcome._tag === 'Failed') {
        // Said once; the request after that starts a new attempt.
        if (z.reported < z.attempt && (await zips.report(runId, jobName, z, now))) {
          throw new HttpError(502, `zipping ${jobName} failed: ${outcome.reason}; ask again to retry`);
        }
      } else if (now - z.startedAt < STALE_MS) return preparing(jobName, z.startedAt);
    }
    const claimed = await zips.claim(runId, jobName, z, now);
    // Another request started it first.
    if (!claimed) return preparing(jobName, (await zips.get(runId, jobName))?.startedAt ?? now);
    z = claimed;
    const request: EfsRequest = {
      op: 'zip', runId, job: jobName, sourcePath: jobArtifactPath(scope, jobName),
      bucket: d.config.artifactsBucket, objectKey: key, appendEvent: true, attempt: z.attempt,
    };
    try {
      await invokeAsync(d.lambda, d.config.efsFunctionName, request);
    } catch (e) {
      await zips.withdraw(runId, jobName, z);
      throw new HttpError(502, `could not start zipping ${jobName}: ${(e as Error).message}; ask again to retry`);
    }
    return preparing(jobName, z.startedAt);
  };

  const ready = async (key: string, created: boolean): Promise<HttpResult> => {
    const signed = await d.presign(d.config.artifactsBucket, key, PRESIGN_SECONDS);
    const answer: ApiDownloadLink = { status: 'ready', url: signed.url, expiresInSeconds: signed.expiresInSeconds, expiresAt: signed.expiresAt, created };
    return json(200, answer);
  };

  const preparing = (job: string, startedAt: number): HttpResult => {
    const answer: ApiDownloadPreparing = { status: 'preparing', job, startedAt, retryAfterSeconds: RETRY_AFTER_SECONDS };
    const r = json(202, answer);
    return { ...r, headers: { ...r.headers, 'retry-after': String(RETRY_AFTER_SECONDS) } };
  };

  const cancel = async (runId: string, body: Record<string, unknown>, by: string | null): Promise<HttpResult> => {
    const requestId = requireString(body, 'requestId');
    const { run } = await loadRun(runId);
    if (run.finishedAt !== null) return json(409, { error: `run ${runId} has already ended ${run.status}` });
    const reason = typeof body['reason'] === 'string' ? body['reason'] : 'cancelled from the CLI';
    const r = await d.store.events.append({
      id: requestEventId('cancel', requestId), runId,
      event: { _tag: 'CancelRequested', at: d.now(), reason, by }, storedAt: new Date(d.now()).toISOString(),
    });
    return json(202, { runId, cancel: r });
  };

  const rerun = async (runId: string, body: Record<string, unknown>): Promise<HttpResult> => {
    const requestId = requireString(body, 'requestId');
    const imagesInRegistry = d.imagesInRegistry;
    const r = await startRerun({
      store: d.store, now: d.now,
      ...(imagesInRegistry ? { imagesInRegistry: (tags: readonly string[]) => awsCall('ECR BatchGetImage', () => imagesInRegistry(tags)) } : {}),
    }, runId, { requestId, failedOnly: body['failedOnly'] !== false });
    if (r._tag === 'Refused') throw new HttpError(r.status, r.reason);
    return json(202, { runId: r.runId, from: r.from, reused: r.reused, jobs: r.jobs, appended: r.appended });
  };

  /** The App installation of a repository: given, or the one its latest run came through. */
  const installationOf = async (repo: string, given: unknown): Promise<number> => {
    if (given !== undefined) {
      const id = Number(given);
      if (!Number.isInteger(id) || id <= 0) throw new HttpError(400, '"installationId" must be a positive whole number');
      return id;
    }
    const latest = (await d.store.listing.list({ by: 'repo', repo }, { limit: 1 })).runs[0];
    const meta = latest ? await getRunMeta(d.store.ctx, latest.runId) : undefined;
    if (!meta) throw new HttpError(400, `hyperp has not seen ${repo} yet: push to it once, or give "installationId"`);
    return meta.installationId;
  };

  /**
   * When a manual run was asked for: the client's `requestedAt` (kept across its retries, so a
   * retried request names the same run), else the API's clock. SigV4 already refuses a client
   * clock more than 5 minutes off (IAM User Guide, "Signature Version 4", read 2026-11).
   */
  const requestedAtOf = (given: unknown): number => {
    if (given === undefined) return d.now();
    if (typeof given !== 'number' || !Number.isInteger(given) || Math.abs(given - d.now()) > REQUESTED_AT_SKEW_MS) {
      throw new HttpError(400, `"requestedAt" must be the request's time in epoch milliseconds, within 15 minutes of ${new Date(d.now()).toISOString()}; got ${JSON.stringify(given)}`);
    }
    return given;
  };

  /** `inputs`: a mapping of names to text, numbers or booleans (the planner checks them against the workflow). */
  const inputsOf = (given: unknown): { inputs?: Record<string, string | number | boolean> } => {
    if (given === undefined) return {};
    const ok = typeof given === 'object' && given !== null && !Array.isArray(given)
      && Object.values(given).every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
    if (!ok) throw new HttpError(400, '"inputs" must be a mapping of input names to strings, numbers or booleans');
    return { inputs: given as Record<string, string | number | boolean> };
  };

  const manual = async (body: Record<string, unknown>, by: string | null): Promise<HttpResult> => {
    const repo = requireString(body, 'repo');
    const installationId = await installationOf(repo, body['installationId']);
    return startManualRun({
      lambda: d.lambda, plannerFunctionName: d.config.plannerFunctionName, ...(d.remainingMs ? { remainingMs: d.remainingMs } : {}),
    }, {
      kind: 'manual',
      repo,
      branch: requireString(body, 'branch'),
      workflow: requireString(body, 'workflow'),
      commit: typeof body['commit'] === 'string' ? body['commit'] : null,
      installationId,
      requestedBy: by,
      requestId: requireString(body, 'requestId'),
      receivedAt: requestedAtOf(body['requestedAt']),
      ...inputsOf(body['inputs']),
    });
  };

  /** `hyperp secrets`: a value only ever comes in, in a request body; no answer or log line holds one. */
  const secrets = async (method: string, parts: readonly string[], q: Record<string, string | undefined>, event: LambdaFunctionURLEvent): Promise<HttpResult> => {
    const store = repositorySecrets(d.secrets, d.config.familyPrefix, d.config.secretsKeyArn);
    const authorise = (repo: string): void => {
      const caller = callerOf(event);
      if (!mayManageSecrets(managers(), repo, caller)) {
        throw new HttpError(403, `${caller ?? 'this caller'} may not manage the secrets of ${repo} on this deployment: hyperp:secretsManagers names who may`);
      }
    };
    if (method === 'GET' && parts.length === 1) {
      const repo = q['repo'];
      if (!repo) throw new HttpError(400, 'query parameter "repo" is required (owner/name)');
      authorise(repo);
      return json(200, { repo, secrets: await store.list(repo) });
    }
    if (parts.length !== 4) throw new HttpError(404, `no route ${method} ${event.rawPath}`);
    const repo = `${parts[1]}/${parts[2]}`;
    const name = parts[3]!;
    authorise(repo);
    if (method === 'PUT') {
      const value = parseJson(event)['value'];
      if (typeof value !== 'string') throw new HttpError(400, '"value" is required and must be a string');
      return json(200, { repo, name, result: await store.set(repo, name, value) });
    }
    if (method === 'DELETE') {
      await store.remove(repo, name);
      return json(200, { repo, name, deleted: true });
    }
    throw new HttpError(404, `no route ${method} ${event.rawPath}`);
  };

  const route = async (event: LambdaFunctionURLEvent): Promise<HttpResult> => {
    const method = event.requestContext.http.method;
    const parts = event.rawPath.split('/').filter((p) => p !== '').map(decodeURIComponent);
    const q = event.queryStringParameters ?? {};
    const by = callerOf(event);
    if (parts[0] === 'secrets') return secrets(method, parts, q, event);
    if (parts[0] !== 'runs') throw new HttpError(404, `no route ${method} ${event.rawPath}`);
    if (method === 'GET' && parts.length === 1) return list(q);
    if (method === 'POST' && parts.length === 1) return manual(parseJson(event), by);
    const runId = parts[1]!;
    if (method === 'GET' && parts.length === 2) {
      const { meta, run } = await loadRun(runId);
      return json(200, runView(meta, run, d.config));
    }
    if (method === 'GET' && parts[2] === 'detail' && parts.length === 3) {
      const { meta, run } = await loadRun(runId);
      return json(200, runDetailView(meta, run));
    }
    if (method === 'GET' && parts[2] === 'logs' && parts.length === 3) return logs(runId, q);
    if (method === 'GET' && parts[2] === 'jobs' && parts[4] === 'download' && parts.length === 5) return download(runId, parts[3]!);
    if (method === 'POST' && parts[2] === 'cancel' && parts.length === 3) return cancel(runId, parseJson(event), by);
    if (method === 'POST' && parts[2] === 'rerun' && parts.length === 3) return rerun(runId, parseJson(event));
    throw new HttpError(404, `no route ${method} ${event.rawPath}`);
  };

  return async (event: LambdaFunctionURLEvent | CronInvocation): Promise<HttpResult | { planned: true }> => {
    if ('kind' in event && event.kind === 'cron') {
      await d.startPlanner(event);
      return { planned: true };
    }
    try {
      return await route(event as LambdaFunctionURLEvent);
    } catch (e) {
      if (e instanceof HttpError) return e.answer;
      if (e instanceof Error && /invalid page cursor/.test(e.message)) return json(400, { error: e.message });
      // A store read or another AWS call no step above named (DynamoDB, S3).
      if (isAwsError(e)) return awsFailureAnswer('an AWS call of the hyperp API', e).answer;
      // A bug: the message to the caller, the stack to the function's log.
      d.log?.('the API failed', { error: String((e as Error)?.message ?? e), stack: (e as Error)?.stack });
      return json(500, { error: `the hyperp API failed: ${String((e as Error)?.message ?? e)} (the api function's log has the details)` });
    }
  };
};

