/**
 * A local stand-in for api.github.com serving recorded API shapes (REST docs, read 2026-11) from a
 * real git repository: Git Trees (recursive, or truncated to force the per-directory walk), Git
 * Blobs (JSON or raw), refs, installation tokens (the App's JWT is verified against its real public key) and
 * commit statuses. Listens on 127.0.0.1; `close()` stops it.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, createVerify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitRepo } from './git-repo.js';
import { githubRestJudge } from './github-openapi.js';

export interface GitHubFake {
  readonly baseUrl: string;
  readonly privateKey: string;
  readonly appId: string;
  readonly requests: { method: string; path: string }[];
  /** Every installation token it minted. */
  readonly tokens: () => readonly string[];
  readonly statuses: { sha: string; body: Record<string, unknown> }[];
  /** Check runs as GitHub holds them (annotations appended across updates), by id. */
  readonly checkRuns: Map<number, CheckRunHeld>;
  /** Every check-run write it took, in order: `create` or `update`, the id and the body. */
  readonly checkWrites: { kind: 'create' | 'update'; id: number; body: Record<string, unknown> }[];
  /** Open pull requests (a test adds them), and the comments on them by id. */
  readonly pulls: { number: number; headSha: string; baseRef: string }[];
  readonly comments: Map<number, { id: number; issue: number; body: string }>;
  /** Every comment write, in order. */
  readonly commentWrites: { kind: 'create' | 'update'; id: number; issue: number }[];
  /** What installation tokens grant (GitHub returns it with each token); a test may take some away. */
  readonly permissions: Record<string, string>;
  /**
   * Switches: truncate recursive trees; fail blob reads with this HTTP status; fail the next
   * `times` check-run writes as GitHub does (`rateLimit`: a secondary rate limit, 403 with
   * retry-after; `server`: 502).
   */
  readonly faults: { truncateTrees: boolean; blobStatus: number | null; checkWrites: { kind: 'rateLimit' | 'server'; times: number } | null };
  /**
   * Requests GitHub's REST description (`@octokit/openapi`) rejects, each answered 422 as GitHub
   * answers a body it cannot take. `close()` fails while any is here: a test that made one fails.
   */
  readonly violations: string[];
  readonly close: () => Promise<void>;
}

export interface CheckRunHeld {
  id: number;
  name: string;
  head_sha: string;
  external_id: string | null;
  status: string;
  conclusion: string | null;
  details_url: string | null;
  output: { title: string | null; summary: string | null; annotations_count: number };
  annotations: Record<string, unknown>[];
  actions: unknown[];
}

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
};

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let s = '';
    req.on('data', (d) => (s += d));
    req.on('end', () => resolve(s));
  });

export const startGitHubFake = async (repo: GitRepo, fullName = 'acme/calculator'): Promise<GitHubFake> => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const appId = '4242';
  const requests: { method: string; path: string }[] = [];
  const statuses: { sha: string; body: Record<string, unknown> }[] = [];
  const faults: GitHubFake['faults'] = { truncateTrees: false, blobStatus: null, checkWrites: null };
  const checkRuns = new Map<number, CheckRunHeld>();
  const pulls: GitHubFake['pulls'] = [];
  const comments: GitHubFake['comments'] = new Map();
  const commentWrites: GitHubFake['commentWrites'] = [];
  const commentJson = (c: { id: number; issue: number; body: string }) => ({
    id: c.id, node_id: `IC_${c.id}`, url: `https://api.github.com/repos/${fullName}/issues/comments/${c.id}`, html_url: `https://github.com/${fullName}/pull/${c.issue}#issuecomment-${c.id}`,
    body: c.body, user: { login: 'hyperp[bot]', id: 9, type: 'Bot' }, created_at: '2026-11-22T08:00:00Z', updated_at: '2026-11-22T08:00:00Z',
    issue_url: `https://api.github.com/repos/${fullName}/issues/${c.issue}`, author_association: 'NONE',
  });
  const checkWrites: GitHubFake['checkWrites'] = [];
  const permissions: Record<string, string> = { contents: 'read', statuses: 'write', metadata: 'read', checks: 'write', pull_requests: 'write' };
  /** A check run as the REST API answers it (trimmed to the fields around what hyperp reads). */
  const checkRunJson = (c: CheckRunHeld) => ({
    id: c.id, head_sha: c.head_sha, node_id: `CR_${c.id}`, external_id: c.external_id, url: `https://api.github.com/repos/${fullName}/check-runs/${c.id}`,
    html_url: `https://github.com/${fullName}/runs/${c.id}`, details_url: c.details_url, status: c.status, conclusion: c.conclusion,
    started_at: null, completed_at: null, output: c.output, name: c.name, check_suite: { id: 1 }, app: null, pull_requests: [],
  });
  /** GitHub's own answers to a write it will not take now (REST docs "Rate limits for the REST API", read 2026-12). */
  const checkWriteFault = (res: ServerResponse): boolean => {
    const f = faults.checkWrites;
    if (!f || f.times <= 0) return false;
    f.times--;
    if (f.kind === 'rateLimit') {
      send(res, 403, {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0401:2A1B:3C4D5E:6F7A8B:65A1B2C3.',
        documentation_url: 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: '403',
      }, { 'retry-after': '60', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4990', 'x-ratelimit-resource': 'core' });
    } else {
      send(res, 502, { message: 'Server Error' });
    }
    return true;
  };
  const applyCheckBody = (c: CheckRunHeld, b: Record<string, unknown>) => {
    if (typeof b['status'] === 'string') c.status = b['status'];
    if (typeof b['conclusion'] === 'string') {
      c.conclusion = b['conclusion'];
      c.status = 'completed';
    }
    if (typeof b['details_url'] === 'string') c.details_url = b['details_url'];
    if (Array.isArray(b['actions'])) c.actions = b['actions'];
    const o = b['output'] as { title?: string; summary?: string; annotations?: Record<string, unknown>[] } | undefined;
    if (o) {
      c.output = { title: o.title ?? c.output.title, summary: o.summary ?? c.output.summary, annotations_count: c.annotations.length + (o.annotations?.length ?? 0) };
      c.annotations.push(...(o.annotations ?? []));
    }
  };
  const issued = new Set<string>();
  let tokenCount = 0;

  const jwtValid = (auth: string | undefined): boolean => {
    const m = /^(?:bearer|Bearer) (.+)\.(.+)\.(.+)$/.exec(auth ?? '');
    if (!m) return false;
    const v = createVerify('RSA-SHA256');
    v.update(`${m[1]}.${m[2]}`);
    const payload = JSON.parse(Buffer.from(m[2]!, 'base64url').toString());
    return v.verify(publicKey, Buffer.from(m[3]!, 'base64url')) && String(payload.iss) === appId;
  };

  const tree = (sha: string, recursive: boolean) => {
    // -z: names as they are (no quoting of unicode, backslashes or newlines).
    const out = repo.git('ls-tree', '-l', '-z', ...(recursive ? ['-r', '-t'] : []), sha);
    return out === ''
      ? []
      : out.split('\u0000').filter((line) => line !== '').map((line) => {
          const [meta, path] = line.split('\t') as [string, string];
          const [mode, type, objSha, size] = meta.split(/ +/) as [string, string, string, string];
          return { path, mode, type, sha: objSha, ...(type === 'blob' ? { size: Number(size) } : {}), url: `https://api.github.com/repos/${fullName}/git/${type}s/${objSha}` };
        });
  };

  const judge = githubRestJudge();
  const violations: string[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    requests.push({ method: req.method ?? '', path: `${path}${url.search}` });
    const text = req.method === 'GET' ? '' : await readBody(req);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const problems = judge.check(req.method ?? '', `${path}${url.search}`, body);
    if (problems.length > 0) {
      violations.push(...problems);
      // GitHub's answer to a body it cannot take (REST docs "Troubleshooting", validation failed).
      return send(res, 422, { message: 'Invalid request.', errors: problems, documentation_url: 'https://docs.github.com/rest', status: '422' });
    }
    const prefix = `/repos/${fullName}`;
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path))) {
      if (!jwtValid(req.headers.authorization)) return send(res, 401, { message: 'A JSON web token could not be decoded' });
      const token = `ghs_test${++tokenCount}`;
      issued.add(token);
      return send(res, 201, { token, expires_at: '2099-01-01T00:00:00Z', permissions: { ...permissions }, repository_selection: 'all' });
    }
    const auth = req.headers.authorization ?? '';
    if (!issued.has(auth.replace(/^token /, ''))) return send(res, 401, { message: 'Bad credentials' });
    if (req.method === 'GET' && (m = new RegExp(`^${prefix}/git/trees/([0-9a-f]{40})$`).exec(path))) {
      const recursive = url.searchParams.get('recursive') === '1';
      let entries = tree(m[1]!, recursive);
      if (recursive && faults.truncateTrees) return send(res, 200, { sha: m[1], url: '', tree: entries.slice(0, 2), truncated: true });
      return send(res, 200, { sha: m[1], url: '', tree: entries, truncated: false });
    }
    if (req.method === 'GET' && (m = new RegExp(`^${prefix}/git/blobs/([0-9a-f]{40})$`).exec(path))) {
      if (faults.blobStatus) return send(res, faults.blobStatus, { message: 'Server Error' });
      const content = execFileSync('git', ['cat-file', 'blob', m[1]!], { cwd: repo.dir });
      if (req.headers.accept === 'application/vnd.github.raw+json') {
        res.writeHead(200, { 'content-type': 'application/vnd.github.raw' });
        return res.end(content);
      }
      return send(res, 200, { sha: m[1], node_id: 'B_x', size: content.length, url: '', content: content.toString('base64').replace(/(.{60})/g, '$1\n'), encoding: 'base64' });
    }
    // Octokit sends the ref's slash encoded (`git/ref/heads%2Fmain`), which GitHub takes.
    if (req.method === 'GET' && (m = new RegExp(`^${prefix}/git/ref/heads(?:/|%2F)(.+)$`).exec(path))) {
      const sha = repo.git('rev-parse', `refs/heads/${m[1]}`);
      return send(res, 200, { ref: `refs/heads/${m[1]}`, node_id: 'R_x', url: '', object: { sha, type: 'commit', url: '' } });
    }
    if (req.method === 'POST' && (m = new RegExp(`^${prefix}/statuses/([0-9a-f]{40})$`).exec(path))) {
      const b = body as Record<string, unknown>;
      if (permissions['statuses'] !== 'write') return send(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/commits/statuses#create-a-commit-status', status: '403' });
      statuses.push({ sha: m[1]!, body: b });
      return send(res, 201, { id: statuses.length, state: b['state'], context: b['context'] });
    }
    if (req.method === 'GET' && (m = new RegExp(`^${prefix}/commits/([0-9a-f]{40})/pulls$`).exec(path))) {
      return send(res, 200, pulls.filter((p) => p.headSha === m![1]).map((p) => ({
        id: 1000 + p.number, number: p.number, state: 'open', title: `PR ${p.number}`, head: { ref: 'feature', sha: p.headSha }, base: { ref: p.baseRef, sha: '0'.repeat(40) },
        html_url: `https://github.com/${fullName}/pull/${p.number}`,
      })));
    }
    if (req.method === 'GET' && (m = new RegExp(`^${prefix}/issues/(\\d+)/comments$`).exec(path))) {
      const page = Number(url.searchParams.get('page') ?? '1');
      const per = Number(url.searchParams.get('per_page') ?? '30');
      const all = [...comments.values()].filter((c) => c.issue === Number(m![1]));
      return send(res, 200, all.slice((page - 1) * per, page * per).map(commentJson));
    }
    if (req.method === 'POST' && (m = new RegExp(`^${prefix}/issues/(\\d+)/comments$`).exec(path))) {
      if (permissions['pull_requests'] !== 'write' && permissions['issues'] !== 'write') return send(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment', status: '403' });
      const c = { id: 7_000_000 + comments.size + 1, issue: Number(m[1]), body: String((body as { body: unknown }).body) };
      comments.set(c.id, c);
      commentWrites.push({ kind: 'create', id: c.id, issue: c.issue });
      return send(res, 201, commentJson(c));
    }
    if (req.method === 'PATCH' && (m = new RegExp(`^${prefix}/issues/comments/(\\d+)$`).exec(path))) {
      const c = comments.get(Number(m[1]));
      if (!c) return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/issues/comments#update-an-issue-comment', status: '404' });
      c.body = String((body as { body: unknown }).body);
      commentWrites.push({ kind: 'update', id: c.id, issue: c.issue });
      return send(res, 200, commentJson(c));
    }
    const noChecks = () => send(res, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/checks/runs', status: '403' });
    if (req.method === 'GET' && (m = new RegExp(`^${prefix}/commits/([^/]+)/check-runs$`).exec(path))) {
      const name = url.searchParams.get('check_name');
      const runs = [...checkRuns.values()].filter((c) => c.head_sha === m![1] && (name === null || c.name === name));
      return send(res, 200, { total_count: runs.length, check_runs: runs.map(checkRunJson) });
    }
    if (req.method === 'POST' && path === `${prefix}/check-runs`) {
      if (permissions['checks'] !== 'write') return noChecks();
      if (checkWriteFault(res)) return;
      const b = body as Record<string, unknown>;
      const c: CheckRunHeld = {
        id: 4_000_000 + checkRuns.size + 1, name: String(b['name']), head_sha: String(b['head_sha']), external_id: (b['external_id'] as string | undefined) ?? null,
        status: 'queued', conclusion: null, details_url: null, output: { title: null, summary: null, annotations_count: 0 }, annotations: [], actions: [],
      };
      applyCheckBody(c, b);
      checkRuns.set(c.id, c);
      checkWrites.push({ kind: 'create', id: c.id, body: b });
      return send(res, 201, checkRunJson(c));
    }
    if (req.method === 'PATCH' && (m = new RegExp(`^${prefix}/check-runs/(\\d+)$`).exec(path))) {
      if (permissions['checks'] !== 'write') return noChecks();
      const c = checkRuns.get(Number(m[1]));
      if (!c) return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/checks/runs#update-a-check-run', status: '404' });
      if (checkWriteFault(res)) return;
      const b = body as Record<string, unknown>;
      applyCheckBody(c, b);
      checkWrites.push({ kind: 'update', id: c.id, body: b });
      return send(res, 200, checkRunJson(c));
    }
    send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    privateKey: pem,
    appId,
    requests,
    tokens: () => [...issued],
    statuses,
    checkRuns,
    checkWrites,
    pulls,
    comments,
    commentWrites,
    permissions,
    faults,
    violations,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      if (violations.length > 0) throw new Error(`requests GitHub's REST description rejects:\n${violations.join('\n')}`);
    },
  };
};
