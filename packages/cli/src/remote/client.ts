/**
 * A small client for the hyperp API: one method per route, every request signed with SigV4. An
 * answer other than 2xx becomes a `CliError` carrying the API's own message; a 403 also says
 * which policy the caller needs.
 */
import { CliError } from '../context.js';
import type { AwsCredentialIdentityProvider } from './credentials.js';
import { requestSigner, type ApiRequest } from './signing.js';
import type {
  ApiCancelAnswer,
  ApiDownloadAnswer,
  ApiLogPage,
  ApiRunDetail,
  ApiRunView,
  ApiRerunAnswer,
  ApiRunPage,
  ApiStartAnswer,
} from '@hyperp/core/internal';

export interface ListQuery {
  readonly repo: string;
  readonly workflow?: string;
  readonly branch?: string;
  readonly commit?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface ApiClient {
  /** The API's base URL, for messages. */
  readonly url: string;
  readonly listRuns: (q: ListQuery) => Promise<ApiRunPage>;
  readonly getRun: (runId: string) => Promise<ApiRunView>;
  /** The run as `hyperp ui` draws it; an `ApiError` 404 "no route" from a deployment before 2026-12. */
  readonly getRunDetail: (runId: string) => Promise<ApiRunDetail>;
  readonly logs: (runId: string, q: { job: string; index: number; attempt?: number; container?: string; nextToken?: string }) => Promise<ApiLogPage>;
  /** The zip's URL, or `preparing` (HTTP 202) while the deployment makes it. */
  readonly download: (runId: string, job: string) => Promise<ApiDownloadAnswer>;
  readonly cancel: (runId: string, body: { requestId: string; reason: string }) => Promise<ApiCancelAnswer>;
  readonly rerun: (runId: string, body: { requestId: string; failedOnly: boolean }) => Promise<ApiRerunAnswer>;
  readonly startRun: (body: {
    repo: string; branch: string; workflow: string; requestId: string; requestedAt: number; commit?: string; inputs?: Record<string, string>;
  }) => Promise<ApiStartAnswer>;
  /** A repository's secrets: names and dates, never values. */
  readonly listSecrets: (repo: string) => Promise<ApiSecretList>;
  readonly setSecret: (repo: string, name: string, value: string) => Promise<{ repo: string; name: string; result: 'created' | 'updated' }>;
  readonly removeSecret: (repo: string, name: string) => Promise<{ repo: string; name: string; deleted: true }>;
  /** GETs a presigned URL (no signing: the URL carries its own). */
  readonly fetchPresigned: (url: string) => Promise<Uint8Array>;
}

export interface ApiSecretList {
  readonly repo: string;
  readonly secrets: readonly { readonly name: string; readonly createdAt: string | null; readonly updatedAt: string | null }[];
}

export interface ApiClientOptions {
  readonly url: string;
  readonly region: string;
  readonly credentials: AwsCredentialIdentityProvider;
  readonly fetch?: typeof fetch;
  /** Waits before each retry of a throttled or failed request (default: 0.5 s, 1 s, 2 s). */
  readonly retryDelaysMs?: readonly number[];
}

/**
 * Answers worth asking again: throttling and the front end's transient failures. Every request
 * may be repeated — reads are reads, and cancel, rerun and manual runs carry a request id that
 * makes a repeat the same request.
 */
const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const RETRY_DELAYS_MS = [500, 1000, 2000];

/** The message of an error answer: `{"error"}` from hyperp, `{"Message"}` from the Function URL's own auth. */
const messageOf = (status: number, text: string): string => {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    for (const k of ['error', 'Message', 'message']) if (typeof v[k] === 'string') return v[k] as string;
  } catch {
    // not JSON: the text itself
  }
  return text.trim().slice(0, 500) || `HTTP ${status}`;
};

/** An answer's `problems` (a manual run the planner refused), one a line, when there are several (one is in the message). */
const problemsOf = (text: string): string => {
  try {
    const p = (JSON.parse(text) as { problems?: unknown }).problems;
    if (Array.isArray(p) && p.length > 1) return p.filter((x): x is string => typeof x === 'string').map((x) => `\n  ${x}`).join('');
  } catch {
    // not JSON: no list
  }
  return '';
};

/** An answer other than 2xx: the API's message, and its status for callers that wait through a 404. */
export class ApiError extends CliError {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const FORBIDDEN_HINT =
  'the caller may not invoke the API\'s function URL: attach the deployment\'s `cliUserPolicyArn` policy to your user or role (docs/deploy.md)';

const reason = (e: unknown): string => {
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e instanceof Error ? e.message : String(e)}${cause}`;
};

export const apiClient = (o: ApiClientOptions): ApiClient => {
  const base = new URL(o.url);
  const sign = requestSigner(o.region, o.credentials);
  const doFetch = o.fetch ?? fetch;

  const delays = o.retryDelaysMs ?? RETRY_DELAYS_MS;

  /** One answer, asked again (signed afresh) while it is transient and retries remain. */
  const send = async (r: ApiRequest): Promise<{ res: Response; text: string }> => {
    for (let attempt = 0; ; attempt++) {
      const { url, init } = await sign(base, r);
      const last = attempt >= delays.length;
      try {
        const res = await doFetch(url, init);
        const text = await res.text();
        if (!RETRYABLE.has(res.status) || last) return { res, text };
      } catch (e) {
        if (last) throw new CliError(`cannot reach the hyperp API at ${base.origin}: ${reason(e)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  };

  const call = async <T>(r: ApiRequest): Promise<T> => {
    const { res, text } = await send(r);
    if (!res.ok) {
      const message = messageOf(res.status, text);
      throw new ApiError(res.status, `${message} (HTTP ${res.status} from the hyperp API${res.status === 403 ? `; ${FORBIDDEN_HINT}` : ''})${problemsOf(text)}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`the hyperp API at ${base.origin} answered something that is not JSON: ${text.slice(0, 200)}`);
    }
  };

  return {
    url: o.url,
    listRuns: (q) =>
      call({
        method: 'GET', segments: ['runs'],
        query: { repo: q.repo, workflow: q.workflow, branch: q.branch, commit: q.commit, limit: q.limit === undefined ? undefined : String(q.limit), cursor: q.cursor },
      }),
    getRun: async (runId) => {
      const run = await call<ApiRunView>({ method: 'GET', segments: ['runs', runId] });
      // A deployment older than this CLI answers an earlier shape: say so rather than print half a run.
      if (typeof run.cost !== 'object' || run.cost === null || !Array.isArray(run.jobs) || run.jobs.some((j) => typeof j.outputDir !== 'string')) {
        throw new CliError(`the hyperp API at ${base.origin} answers runs in an older shape than this CLI reads; update the deployment (hyperp deploy)`);
      }
      return run;
    },
    getRunDetail: async (runId) => {
      const detail = await call<ApiRunDetail>({ method: 'GET', segments: ['runs', runId, 'detail'] });
      if (!Array.isArray(detail.jobs) || !Array.isArray(detail.images)) {
        throw new CliError(`the hyperp API at ${base.origin} answers a run's detail in a shape this CLI does not read; update the deployment (hyperp deploy)`);
      }
      return detail;
    },
    logs: (runId, q) =>
      call({
        method: 'GET', segments: ['runs', runId, 'logs'],
        query: { job: q.job, index: String(q.index), attempt: q.attempt === undefined ? undefined : String(q.attempt), container: q.container, nextToken: q.nextToken },
      }),
    download: (runId, job) => call({ method: 'GET', segments: ['runs', runId, 'jobs', job, 'download'] }),
    cancel: (runId, body) => call({ method: 'POST', segments: ['runs', runId, 'cancel'], body }),
    rerun: (runId, body) => call({ method: 'POST', segments: ['runs', runId, 'rerun'], body }),
    startRun: (body) => call({ method: 'POST', segments: ['runs'], body }),
    listSecrets: (repo) => call({ method: 'GET', segments: ['secrets'], query: { repo } }),
    // The value travels in the signed body only, never in the URL (which access logs keep).
    setSecret: (repo, name, value) => call({ method: 'PUT', segments: ['secrets', ...repo.split('/'), name], body: { value } }),
    removeSecret: (repo, name) => call({ method: 'DELETE', segments: ['secrets', ...repo.split('/'), name] }),
    fetchPresigned: async (url) => {
      let res: Response;
      try {
        res = await doFetch(url);
      } catch (e) {
        throw new CliError(`cannot download the zip: ${reason(e)}`);
      }
      if (!res.ok) throw new CliError(`downloading the zip failed: HTTP ${res.status} ${messageOf(res.status, await res.text())}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
};
