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

export interface GitHubFake {
  readonly baseUrl: string;
  readonly privateKey: string;
  readonly appId: string;
  readonly requests: { method: string; path: string }[];
  /** Every installation token it minted. */
  readonly tokens: () => readonly string[];
  readonly statuses: { sha: string; body: Record<string, unknown> }[];
  /** Switches: truncate recursive trees; fail blob reads with this HTTP status. */
  readonly faults: { truncateTrees: boolean; blobStatus: number | null };
  readonly close: () => Promise<void>;
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
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
  const faults = { truncateTrees: false, blobStatus: null as number | null };
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

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    requests.push({ method: req.method ?? '', path: `${path}${url.search}` });
    const prefix = `/repos/${fullName}`;
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path))) {
      if (!jwtValid(req.headers.authorization)) return send(res, 401, { message: 'A JSON web token could not be decoded' });
      const token = `ghs_test${++tokenCount}`;
      issued.add(token);
      return send(res, 201, { token, expires_at: '2099-01-01T00:00:00Z', permissions: { contents: 'read', statuses: 'write', metadata: 'read' }, repository_selection: 'all' });
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
    if (req.method === 'GET' && (m = new RegExp(`^${prefix}/git/ref/heads/(.+)$`).exec(path))) {
      const sha = repo.git('rev-parse', `refs/heads/${m[1]}`);
      return send(res, 200, { ref: `refs/heads/${m[1]}`, node_id: 'R_x', url: '', object: { sha, type: 'commit', url: '' } });
    }
    if (req.method === 'POST' && (m = new RegExp(`^${prefix}/statuses/([0-9a-f]{40})$`).exec(path))) {
      const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      statuses.push({ sha: m[1]!, body });
      return send(res, 201, { id: statuses.length, state: body['state'], context: body['context'] });
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
    faults,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
};
