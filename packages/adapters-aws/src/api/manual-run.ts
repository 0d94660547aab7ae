/**
 * A manual run (`POST /runs`), planned while the caller waits: the API invokes the planner
 * synchronously and answers with the run it started (202), or with why it did not start (422:
 * an input the workflow does not take, a workflow that is not there, secrets asked for as
 * environment variables) — the person sees the reason at the prompt instead of waiting for a
 * run that never comes. The planner is idempotent in the request (`requestId`): asking again
 * names the same run and never starts a second one.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { invokeSync } from '../aws/invoke-sync.js';
import { json, type HttpResult } from '../http/response.js';
import type { PlannerResult } from '../planner/planner.js';
import type { PlanRequest } from '../planner/request.js';
import { plannedRunId } from '../planner/run-id.js';
import { AWS_RETRY_AFTER_SECONDS, awsFailureAnswer, HttpError } from './aws-answers.js';

export type ManualRequest = Extract<PlanRequest, { kind: 'manual' }>;

export interface ManualRunDeps {
  readonly lambda: Pick<LambdaClient, 'send'>;
  readonly plannerFunctionName: string;
  /** What this invocation of the API has left (Lambda's `getRemainingTimeInMillis`); unbounded when absent. */
  readonly remainingMs?: () => number;
}

/**
 * The longest wait for the planner: under the 300 s a Node client (undici's `headersTimeout`,
 * read 2026-12) waits for an answer's headers, and what the API function has left less a margin
 * to answer in. The planner runs on when the API stops waiting; asking again finds its run.
 */
export const PLAN_WAIT_MAX_MS = 280_000;
export const PLAN_WAIT_MARGIN_MS = 3_000;

const isPlannerResult = (v: unknown): v is PlannerResult => {
  const r = v as Partial<PlannerResult> | null;
  return typeof r === 'object' && r !== null && typeof r.commit === 'string' && Array.isArray(r.runs) && Array.isArray(r.refused)
    && r.runs.every((x) => typeof x?.runId === 'string' && typeof x.workflow === 'string') && r.refused.every((x) => typeof x === 'string');
};

/** The planner's answer, or the HTTP error that says which call failed and how. */
const planNow = async (d: ManualRunDeps, request: ManualRequest, runId: string): Promise<PlannerResult> => {
  const call = `Lambda Invoke of the planner (${d.plannerFunctionName})`;
  const waitMs = Math.max(0, Math.min(PLAN_WAIT_MAX_MS, (d.remainingMs?.() ?? Infinity) - PLAN_WAIT_MARGIN_MS));
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), waitMs);
  const stopped = new Promise<never>((_, reject) => stop.signal.addEventListener('abort', () => reject(stop.signal.reason)));
  stopped.catch(() => undefined);
  try {
    const r = await Promise.race([invokeSync(d.lambda, d.plannerFunctionName, request, { abortSignal: stop.signal }), stopped]);
    if (r._tag === 'FunctionError') {
      throw new HttpError(502, `the planner failed (${call}): ${r.message}; ask again: the same request starts at most one run`);
    }
    if (!isPlannerResult(r.payload)) throw new HttpError(502, `the planner answered something this API does not read (${call}): is the deployment half updated?`);
    return r.payload;
  } catch (e) {
    if (e instanceof HttpError) throw e;
    if (stop.signal.aborted) {
      const waited = waitMs < 10_000 ? (waitMs / 1000).toFixed(1) : String(Math.round(waitMs / 1000));
      throw new HttpError(503, `the planner has not answered within ${waited} s (${call}); it may still start run ${runId}: ask again with the same request (it starts at most one run), or follow it with hyperp runs show ${runId}`, {
        'retry-after': String(AWS_RETRY_AFTER_SECONDS),
      });
    }
    throw awsFailureAnswer(call, e);
  } finally {
    clearTimeout(timer);
  }
};

export const startManualRun = async (d: ManualRunDeps, request: ManualRequest): Promise<HttpResult> => {
  const runId = plannedRunId(request, request.workflow);
  const planned = await planNow(d, request, runId);
  const { repo, branch, workflow } = request;
  const run = planned.runs.find((r) => r.workflow === workflow);
  if (run) return json(202, { accepted: true, runId: run.runId, repo, branch, workflow, commit: planned.commit });
  const refused = planned.refused.length > 0 ? planned.refused : ['the planner started no run and said no reason'];
  return json(422, {
    error: `workflow "${workflow}" was not started on ${repo}@${planned.commit.slice(0, 12)}: ${refused.length === 1 ? refused[0] : `${refused.length} problems`}`,
    problems: refused,
    repo, branch, workflow, commit: planned.commit,
  });
};
