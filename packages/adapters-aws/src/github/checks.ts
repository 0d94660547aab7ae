/**
 * GitHub's Checks API as hyperp uses it (REST "Check runs", read 2026-12): a check run per
 * workflow run, found again by its `external_id` (the run id), created and updated with its
 * status, conclusion, output and annotations. Every failure is a `GitHubError` (so 403/429 rate
 * limits class as throttling); the caller decides whether to try again later.
 */
import type { CheckAnnotation } from '@hyperp/core/internal';
import type { GitHub } from './app-client.js';
import { GitHubError } from './repo-reader.js';

export interface CheckRunBody {
  readonly name?: string;
  readonly status?: 'queued' | 'in_progress' | 'completed';
  readonly conclusion?: string;
  readonly details_url?: string;
  readonly external_id?: string;
  readonly started_at?: string;
  readonly completed_at?: string;
  readonly output?: { readonly title: string; readonly summary: string; readonly annotations?: readonly CheckAnnotation[] };
  readonly actions?: readonly { readonly label: string; readonly description: string; readonly identifier: string }[];
}

const split = (repo: string): { owner: string; repo: string } => {
  const [owner, name] = repo.split('/') as [string, string];
  return { owner, repo: name };
};

/** The retry-after GitHub sent with a rate limit, in seconds, when it sent one. */
export const retryAfterSeconds = (e: unknown): number | undefined => {
  const headers = (e as { response?: { headers?: Record<string, unknown> } }).response?.headers ?? {};
  const after = Number(headers['retry-after']);
  return headers['retry-after'] !== undefined && Number.isFinite(after) && after >= 0 ? after : undefined;
};

const fail = (what: string, e: unknown): never => {
  const status = (e as { status?: number }).status;
  const after = retryAfterSeconds(e);
  throw new GitHubError(`GitHub API: ${what} failed${status ? ` (HTTP ${status})` : ''}: ${(e as Error).message}${after !== undefined ? ` (retry after ${after} s)` : ''}`, status);
};

/** The id of the check run named `name` on `sha` whose external id is `externalId`, if one exists. */
export const findCheckRun = async (gh: GitHub, repo: string, sha: string, name: string, externalId: string): Promise<number | undefined> => {
  try {
    const r = await gh.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      ...split(repo), ref: sha, check_name: name, filter: 'all', per_page: 100,
    });
    const id = r.data.check_runs.find((c) => c.external_id === externalId)?.id;
    return id === undefined ? undefined : Number(id);
  } catch (e) {
    return fail(`listing check runs of ${repo}@${sha}`, e);
  }
};

export const createCheckRun = async (gh: GitHub, repo: string, sha: string, body: CheckRunBody & { name: string }): Promise<number> => {
  try {
    const r = await gh.request('POST /repos/{owner}/{repo}/check-runs', { ...split(repo), head_sha: sha, ...body } as never);
    return (r.data as { id: number }).id;
  } catch (e) {
    return fail(`creating check run ${body.name} on ${repo}@${sha}`, e);
  }
};

export const updateCheckRun = async (gh: GitHub, repo: string, id: number, body: CheckRunBody): Promise<void> => {
  try {
    await gh.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...split(repo), check_run_id: id, ...body } as never);
  } catch (e) {
    fail(`updating check run ${id} of ${repo}`, e);
  }
};
