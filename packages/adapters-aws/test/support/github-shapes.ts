/**
 * Recorded shapes of GitHub API payloads (trimmed to the fields hyperp reads plus the ones around
 * them), from GitHub's REST and webhook documentation, read 2026-11.
 */

const API = 'https://api.github.com';

/** A user or organisation as webhook payloads carry it (GitHub's `simple-user` shape). */
export const userShape = (login: string, id: number, type: 'User' | 'Organization' | 'Bot' = 'User') => ({
  login, id, node_id: `MDQ6VXNlcj${id}`, avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`, gravatar_id: '',
  url: `${API}/users/${login}`, html_url: `https://github.com/${login}`, followers_url: `${API}/users/${login}/followers`,
  following_url: `${API}/users/${login}/following{/other_user}`, gists_url: `${API}/users/${login}/gists{/gist_id}`,
  starred_url: `${API}/users/${login}/starred{/owner}{/repo}`, subscriptions_url: `${API}/users/${login}/subscriptions`,
  organizations_url: `${API}/users/${login}/orgs`, repos_url: `${API}/users/${login}/repos`, events_url: `${API}/users/${login}/events{/privacy}`,
  received_events_url: `${API}/users/${login}/received_events`, type, site_admin: false,
});

/**
 * The repository as webhook payloads carry it. `times`: push payloads give the repository's
 * times in epoch seconds, other events as ISO text.
 */
export const repositoryShape = (times: 'epoch' | 'iso') => {
  const r = `${API}/repos/acme/calculator`;
  return {
    id: 1296269, node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5', name: 'calculator', full_name: 'acme/calculator', private: true,
    owner: { name: 'acme', email: null, ...userShape('acme', 583231, 'Organization') },
    html_url: 'https://github.com/acme/calculator', description: 'A calculator that runs on hyperp', fork: false, url: r,
    forks_url: `${r}/forks`, keys_url: `${r}/keys{/key_id}`, collaborators_url: `${r}/collaborators{/collaborator}`, teams_url: `${r}/teams`,
    hooks_url: `${r}/hooks`, issue_events_url: `${r}/issues/events{/number}`, events_url: `${r}/events`, assignees_url: `${r}/assignees{/user}`,
    branches_url: `${r}/branches{/branch}`, tags_url: `${r}/tags`, blobs_url: `${r}/git/blobs{/sha}`, git_tags_url: `${r}/git/tags{/sha}`,
    git_refs_url: `${r}/git/refs{/sha}`, trees_url: `${r}/git/trees{/sha}`, statuses_url: `${r}/statuses/{sha}`, languages_url: `${r}/languages`,
    stargazers_url: `${r}/stargazers`, contributors_url: `${r}/contributors`, subscribers_url: `${r}/subscribers`, subscription_url: `${r}/subscription`,
    commits_url: `${r}/commits{/sha}`, git_commits_url: `${r}/git/commits{/sha}`, comments_url: `${r}/comments{/number}`,
    issue_comment_url: `${r}/issues/comments{/number}`, contents_url: `${r}/contents/{+path}`, compare_url: `${r}/compare/{base}...{head}`,
    merges_url: `${r}/merges`, archive_url: `${r}/{archive_format}{/ref}`, downloads_url: `${r}/downloads`, issues_url: `${r}/issues{/number}`,
    pulls_url: `${r}/pulls{/number}`, milestones_url: `${r}/milestones{/number}`, notifications_url: `${r}/notifications{?since,all,participating}`,
    labels_url: `${r}/labels{/name}`, releases_url: `${r}/releases{/id}`, deployments_url: `${r}/deployments`,
    created_at: times === 'epoch' ? 1700000000 : '2023-11-14T22:13:20Z',
    updated_at: '2026-11-22T08:00:00Z',
    // Push payloads give the repository's times in epoch seconds.
    pushed_at: times === 'epoch' ? 1795334400 : '2026-11-22T08:00:00Z',
    git_url: 'git://github.com/acme/calculator.git', ssh_url: 'git@github.com:acme/calculator.git', clone_url: 'https://github.com/acme/calculator.git',
    svn_url: 'https://github.com/acme/calculator', homepage: null, size: 108, stargazers_count: 0, watchers_count: 0, language: 'Python',
    has_issues: true, has_projects: false, has_downloads: true, has_wiki: false, has_pages: false, has_discussions: false, forks_count: 0,
    mirror_url: null, archived: false, disabled: false, open_issues_count: 0, license: null, allow_forking: false, is_template: false,
    web_commit_signoff_required: false, topics: [], visibility: 'private', forks: 0, open_issues: 0, watchers: 0, default_branch: 'main',
  };
};

/** A push webhook payload as a GitHub App receives it. */
export const pushPayload = (over: { ref: string; after: string; before?: string; deleted?: boolean }) => ({
  ref: over.ref,
  before: over.before ?? '9049f1265b7d61be4a8904a9a27120d2064dab3b',
  after: over.after,
  repository: repositoryShape('epoch'),
  pusher: { name: 'octocat', email: 'octocat@github.com' },
  sender: userShape('octocat', 1),
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
        url: `https://github.com/acme/calculator/commit/${over.after}`,
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

/** The GitHub App as payloads name it (`app` of a check run). */
export const appShape = (appId: string) => ({
  id: Number(appId), slug: 'hyperp', node_id: 'MDM6QXBwNDI0Mg==', owner: userShape('acme', 583231, 'Organization'), name: 'hyperp',
  description: 'Runs hyperp-workflows on AWS', external_url: 'https://hyperp.example.com', html_url: 'https://github.com/apps/hyperp',
  created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
  permissions: { checks: 'write', contents: 'read', metadata: 'read', statuses: 'write', pull_requests: 'write' }, events: ['push', 'check_run', 'pull_request'],
});

/** A `check_run` webhook for one of the App's check runs (`rerequested`, or `requested_action` with its identifier). */
export const checkRunPayload = (over: {
  action: 'rerequested' | 'requested_action';
  appId: string;
  check: { id: number; name: string; head_sha: string; external_id: string | null; status: string; conclusion: string | null; details_url: string | null };
  identifier?: string;
}) => {
  const suite = {
    id: 5, node_id: 'CS_5', head_branch: 'main', head_sha: over.check.head_sha, status: 'completed', conclusion: over.check.conclusion,
    url: `${API}/repos/acme/calculator/check-suites/5`, before: '9049f1265b7d61be4a8904a9a27120d2064dab3b', after: over.check.head_sha,
    pull_requests: [], app: appShape(over.appId), created_at: '2026-11-22T08:00:00Z', updated_at: '2026-11-22T08:10:00Z',
  };
  return {
    action: over.action,
    check_run: {
      id: over.check.id, node_id: `CR_${over.check.id}`, head_sha: over.check.head_sha, external_id: over.check.external_id ?? '',
      url: `${API}/repos/acme/calculator/check-runs/${over.check.id}`, html_url: `https://github.com/acme/calculator/runs/${over.check.id}`,
      details_url: over.check.details_url ?? '', status: over.check.status, conclusion: over.check.conclusion,
      started_at: '2026-11-22T08:00:00Z', completed_at: '2026-11-22T08:10:00Z',
      output: { title: 'x', summary: 'x', text: null, annotations_count: 0, annotations_url: `${API}/repos/acme/calculator/check-runs/${over.check.id}/annotations` },
      name: over.check.name, check_suite: suite, app: appShape(over.appId), pull_requests: [],
    },
    ...(over.action === 'requested_action' ? { requested_action: { identifier: over.identifier ?? 'rerun-failed' } } : {}),
    repository: repositoryShape('iso'),
    sender: userShape('octocat', 1),
    installation: { id: 77, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=' },
  };
};

/** A `pull_request` webhook (`opened`, `reopened` or `synchronize`) of pull request `number` from `feature` into `base`. */
export const pullRequestPayload = (over: { action: 'opened' | 'reopened' | 'synchronize'; number: number; headSha: string; base: string }) => {
  const repository = repositoryShape('iso');
  const pr = `${API}/repos/acme/calculator/pulls/${over.number}`;
  const side = (ref: string, sha: string) => ({ label: `acme:${ref}`, ref, sha, user: userShape('acme', 583231, 'Organization'), repo: repository });
  return {
    action: over.action,
    number: over.number,
    ...(over.action === 'synchronize' ? { before: '9049f1265b7d61be4a8904a9a27120d2064dab3b', after: over.headSha } : {}),
    pull_request: {
      url: pr, id: 9_000_000 + over.number, node_id: `PR_${over.number}`, html_url: `https://github.com/acme/calculator/pull/${over.number}`,
      diff_url: `https://github.com/acme/calculator/pull/${over.number}.diff`, patch_url: `https://github.com/acme/calculator/pull/${over.number}.patch`,
      issue_url: `${API}/repos/acme/calculator/issues/${over.number}`, number: over.number, state: 'open', locked: false, title: 'Divide more carefully',
      user: userShape('octocat', 1), body: null, created_at: '2026-11-22T08:00:00Z', updated_at: '2026-11-22T08:00:00Z', closed_at: null, merged_at: null,
      merge_commit_sha: null, assignee: null, assignees: [], requested_reviewers: [], requested_teams: [], labels: [], milestone: null, draft: false,
      commits_url: `${pr}/commits`, review_comments_url: `${pr}/comments`, review_comment_url: `${API}/repos/acme/calculator/pulls/comments{/number}`,
      comments_url: `${API}/repos/acme/calculator/issues/${over.number}/comments`, statuses_url: `${API}/repos/acme/calculator/statuses/${over.headSha}`,
      head: side('feature', over.headSha), base: side(over.base, '0'.repeat(40)),
      _links: {
        self: { href: pr }, html: { href: `https://github.com/acme/calculator/pull/${over.number}` }, issue: { href: `${API}/repos/acme/calculator/issues/${over.number}` },
        comments: { href: `${API}/repos/acme/calculator/issues/${over.number}/comments` }, review_comments: { href: `${pr}/comments` },
        review_comment: { href: `${API}/repos/acme/calculator/pulls/comments{/number}` }, commits: { href: `${pr}/commits` }, statuses: { href: `${API}/repos/acme/calculator/statuses/${over.headSha}` },
      },
      author_association: 'MEMBER', auto_merge: null, active_lock_reason: null, merged: false, mergeable: null, rebaseable: null, mergeable_state: 'unknown',
      merged_by: null, comments: 0, review_comments: 0, maintainer_can_modify: false, commits: 1, additions: 1, deletions: 1, changed_files: 1,
    },
    repository,
    sender: userShape('octocat', 1),
    installation: { id: 77, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=' },
  };
};
