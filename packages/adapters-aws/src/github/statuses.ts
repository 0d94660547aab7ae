/** GitHub commit statuses (REST "Create a commit status": description at most 140 characters). */
import type { GitHub } from './app-client.js';
import { GitHubError } from './repo-reader.js';

export type CommitState = 'pending' | 'success' | 'failure' | 'error';

export interface CommitStatus {
  readonly repo: string;
  readonly commit: string;
  readonly state: CommitState;
  readonly context: string;
  readonly description: string;
  readonly targetUrl: string | null;
}

export const setCommitStatus = async (gh: GitHub, s: CommitStatus): Promise<void> => {
  const [owner, repo] = s.repo.split('/') as [string, string];
  try {
    await gh.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
      owner,
      repo,
      sha: s.commit,
      state: s.state,
      context: s.context,
      description: s.description.length > 140 ? `${s.description.slice(0, 139)}…` : s.description,
      ...(s.targetUrl ? { target_url: s.targetUrl } : {}),
    });
  } catch (e) {
    const status = (e as { status?: number }).status;
    throw new GitHubError(`GitHub API: commit status on ${s.repo}@${s.commit} failed: ${(e as Error).message}`, status);
  }
};
