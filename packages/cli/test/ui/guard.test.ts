// The web view's server refuses every request that does not come from its own page: a wrong
// Host (DNS rebinding), a foreign Origin, a missing or wrong token, a form post; and it listens
// on 127.0.0.1 only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localLayout, openRun } from '@hyperp/adapters-local';
import { syntheticRunRequested } from '@hyperp/core/sim';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startUiServer, type UiServer } from '../../src/ui/server.js';

const repo = mkdtempSync(join(tmpdir(), 'hyperp-ui-guard-'));
const web = mkdtempSync(join(tmpdir(), 'hyperp-ui-web-'));
writeFileSync(join(web, 'index.html'), '<!doctype html><title>hyperp</title>');
writeFileSync(join(repo, 'secret.txt'), 'not for the page');
let server: UiServer;
let token = '';

test.before(async () => {
  await openRun(localLayout(repo), syntheticRunRequested({ name: 'build', jobs: [{ name: 'a' }] }, { runId: 'r1', at: Date.UTC(2026, 10, 22), commit: 'aaaa1111' }));
  server = await startUiServer({
    cwd: repo, env: { HYPERP_UI_DIR: web }, out: () => undefined, err: () => undefined, isTTY: false, signal: new AbortController().signal,
  }, { repo, port: 0 });
  token = new URL(server.url).hash.replace('#token=', '');
});
test.after(async () => {
  await server.close();
  rmSync(repo, { recursive: true, force: true });
  rmSync(web, { recursive: true, force: true });
});

/** A raw request, with exactly the headers given (fetch would not let a test set Host). */
const send = (o: { method?: string; path: string; headers?: Record<string, string>; body?: string }) =>
  new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method: o.method ?? 'GET', path: o.path, headers: { Host: `127.0.0.1:${server.port}`, ...o.headers } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(o.body);
  });

test('the URL it prints is on 127.0.0.1 and carries the session token in its fragment (never sent in a request)', () => {
  assert.match(server.url, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[A-Za-z0-9_-]{32}$`));
});

test('the page and the API answer their own page: right Host, the token, same Origin', async () => {
  const page = await send({ path: '/' });
  assert.equal([page.status, page.body], [200, '<!doctype html><title>hyperp</title>']);
  assert.match(String(page.headers['content-security-policy']), /default-src 'self'.*frame-ancestors 'none'/);
  const runs = await send({ path: '/api/runs', headers: { 'X-Hyperp-Token': token, Origin: `http://127.0.0.1:${server.port}` } });
  assert.equal(runs.status, 200);
  assert.equal((JSON.parse(runs.body) as { runs: { runId: string }[] }).runs.map((r) => r.runId), ['r1']);
  assert.equal((await send({ path: '/api/runs', headers: { Host: `localhost:${server.port}`, 'X-Hyperp-Token': token } })).status, 200);
});

test('a wrong Host is refused, for the page too: a rebound domain cannot read the page or the API', async () => {
  for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, `127.0.0.1.evil.example:${server.port}`]) {
    const page = await send({ path: '/', headers: { Host: host } });
    assert.equal(page.status, 421, host);
    assert.not.match(page.body, /hyperp<\/title>/);
    assert.equal((await send({ path: '/api/runs', headers: { Host: host, 'X-Hyperp-Token': token } })).status, 421, host);
  }
});

test('a cross-origin POST is refused and changes nothing, token or not', async () => {
  const body = JSON.stringify({ id: 'r1' });
  for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${server.port + 1}`, `https://127.0.0.1:${server.port}`]) {
    const r = await send({ method: 'POST', path: '/api/cancel', headers: { Origin: origin, 'X-Hyperp-Token': token, 'Content-Type': 'application/json' }, body });
    assert.equal([r.status, JSON.parse(r.body)], [403, { error: `requests from ${origin} are refused: only this server's own pages may call it` }]);
  }
  // A form (no token, text/plain) from anywhere: refused too.
  const form = await send({ method: 'POST', path: '/api/cancel', headers: { 'Content-Type': 'text/plain' }, body });
  assert.equal(form.status, 403);
  const plain = await send({ method: 'POST', path: '/api/cancel', headers: { 'X-Hyperp-Token': token, 'Content-Type': 'text/plain' }, body });
  assert.equal(plain.status, 415);
  const run = await send({ path: '/api/run?id=r1', headers: { 'X-Hyperp-Token': token } });
  assert.equal((JSON.parse(run.body) as { status: string }).status, 'BUILDING');
});

test('the API without the token, or with a wrong one, is refused', async () => {
  assert.equal((await send({ path: '/api/runs' })).status, 403);
  assert.equal((await send({ path: '/api/runs', headers: { 'X-Hyperp-Token': `${token.slice(0, -1)}x` } })).status, 403);
  assert.equal((await send({ path: `/api/runs?token=${token}` })).status, 200);
});

test('only the built page\'s files are served: a path out of its folder gets the page itself', async () => {
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', `/..%2f..%2f${encodeURIComponent(repo)}/secret.txt`, '/.hidden']) {
    const r = await send({ path });
    assert.equal([r.status, r.body], [200, '<!doctype html><title>hyperp</title>'], path);
  }
});

test('a bad request says what is wrong, as JSON', async () => {
  const r = await send({ path: '/api/run?id=nope', headers: { 'X-Hyperp-Token': token } });
  assert.equal(r.status, 404);
  assert.match((JSON.parse(r.body) as { error: string }).error, /^no run nope under /);
});

test.run();
