/**
 * Pull requests and their comments as hyperp's summary needs them (REST "List pull requests
 * associated with a commit", "List issue comments", "Create an issue comment", "Update an issue
 * comment"; read 2026-12). Failures are `GitHubError`s, classed like every GitHub failure.
 */
import type { GitHub } from './app-client.js';
import { GitHubError } from './repo-reader.js';

export interface OpenPullRequest {
  readonly number: number;
  /** The branch it merges into. */
  readonly baseRef: string;
}

const split = (repo: string) => {
  const [owner, name] = repo.split('/') as [string, string];
  return { owner, repo: name };
};

const fail = (what: string, e: unknown): never => {
  const status = (e as { status?: number }).status;
  throw new GitHubError(`GitHub API: ${what} failed${status ? ` (HTTP ${status})` : ''}: ${(e as Error).message}`, status);
};

/** The open pull requests whose head is `sha` (a commit pushed to a branch with a pull request). */
export const openPullRequestsAt = async (gh: GitHub, repo: string, sha: string): Promise<OpenPullRequest[]> => {
  try {
    const r = await gh.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', { ...split(repo), commit_sha: sha, per_page: 100 });
    return r.data.filter((p) => p.state === 'open' && p.head.sha === sha).map((p) => ({ number: p.number, baseRef: p.base.ref }));
  } catch (e) {
    return fail(`pull requests of ${repo}@${sha}`, e);
  }
};

/** Pages of comments read looking for hyperp's: a pull request with more is not searched further. */
const MAX_PAGES = 10;

/** Edits the comment that starts with `marker`, or creates it: one comment per pull request. */
export const upsertMarkedComment = async (gh: GitHub, repo: string, number: number, marker: string, body: string): Promise<'created' | 'updated'> => {
  let found: number | undefined;
  try {
    for (let page = 1; page <= MAX_PAGES && found === undefined; page++) {
      const r = await gh.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...split(repo), issue_number: number, per_page: 100, page });
      const id = r.data.find((c) => (c.body ?? '').startsWith(marker))?.id;
      found = id === undefined ? undefined : Number(id);
      if (r.data.length < 100) break;
    }
    if (found !== undefined) {
      await gh.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { ...split(repo), comment_id: found, body });
      return 'updated';
    }
    await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...split(repo), issue_number: number, body });
    return 'created';
  } catch (e) {
    return fail(`the summary comment on ${repo}#${number}`, e);
  }
};
