/**
 * Recorded shapes of GitHub API payloads (trimmed to the fields hyperp reads plus the ones around
 * them), from GitHub's REST and webhook documentation, read 2026-11.
 */

/** A push webhook payload as a GitHub App receives it. */
export const pushPayload = (over: { ref: string; after: string; before?: string; deleted?: boolean }) => ({
  ref: over.ref,
  before: over.before ?? '9049f1265b7d61be4a8904a9a27120d2064dab3b',
  after: over.after,
  repository: {
    id: 1296269,
    node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
    name: 'calculator',
    full_name: 'acme/calculator',
    private: true,
    owner: { name: 'acme', login: 'acme', id: 583231, type: 'Organization' },
    default_branch: 'main',
    // Push payloads give the repository's times in epoch seconds.
    pushed_at: 1795334400,
  },
  pusher: { name: 'octocat', email: 'octocat@github.com' },
  sender: { login: 'octocat', id: 1, type: 'User' },
  installation: { id: 77, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=' },
  created: false,
  deleted: over.deleted ?? false,
  forced: false,
  base_ref: null,
  compare: 'https://github.com/acme/calculator/compare/9049f1265b7d...' + over.after.slice(0, 12),
  commits: [],
  head_commit: over.deleted
    ? null
    : {
        id: over.after,
        tree_id: 'f9d2a07e9488b91af2641b26b9407fe22a451433',
        distinct: true,
        message: 'Update calculator',
        timestamp: '2026-11-22T08:00:00Z',
        author: { name: 'Octo Cat', email: 'octocat@github.com', username: 'octocat' },
        committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
        added: [],
        removed: [],
        modified: ['hyperp-workflows/calculator.yaml'],
      },
});
