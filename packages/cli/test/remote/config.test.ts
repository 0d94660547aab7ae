import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CliError, type CliContext } from '../../src/context.js';
import { backendOf, regionOfUrl } from '../../src/remote/backend.js';
import { apiClient } from '../../src/remote/client.js';
import { remoteRepo, repoOfRemoteUrl } from '../../src/remote/repo.js';
import { strictEncode } from '../../src/remote/signing.js';
import { hyperp } from '../run-cli.js';
import { startFunctionUrl } from './function-url.js';

const ctx = (cwd: string, env: Record<string, string> = {}): CliContext => ({
  cwd, env, out: () => undefined, err: () => undefined, isTTY: false, signal: new AbortController().signal,
});

const Repo = suite('remote repository');

Repo('owner/name from the usual shapes of a GitHub remote URL', () => {
  assert.equal(
    ['git@github.com:acme/calculator.git', 'https://github.com/acme/calculator', 'https://github.com/acme/calc.v2.git/', 'ssh://git@ghe.example.com/acme/calculator.git', 'calculator'].map(repoOfRemoteUrl),
    ['acme/calculator', 'acme/calculator', 'acme/calc.v2', 'acme/calculator', undefined],
  );
});

Repo('--repo is owner/name, or a folder whose git origin names it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-origin-'));
  try {
    execFileSync('git', ['init', '-q', dir]);
    const c = ctx(dir);
    assert.is(remoteRepo(c, 'acme/calculator'), 'acme/calculator');
    assert.throws(() => remoteRepo(c, undefined), (e: Error) => e instanceof CliError && e.message === `${dir} has no git remote "origin" to tell the repository; pass --repo owner/name (the GitHub repository hyperp runs)`);
    execFileSync('git', ['-C', dir, 'remote', 'add', 'origin', 'git@github.com:acme/calculator.git']);
    assert.is(remoteRepo(c, undefined), 'acme/calculator');
    assert.is(remoteRepo(ctx(tmpdir()), dir), 'acme/calculator');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const Backend = suite('backend');

Backend('the API is chosen by --api or HYPERP_API_URL, unless --local', () => {
  const env = { HYPERP_API_URL: 'https://abc.lambda-url.eu-west-1.on.aws/', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' };
  const tags = [
    backendOf(ctx('/', env), {}), backendOf(ctx('/', env), { local: true }), backendOf(ctx('/'), {}),
    backendOf(ctx('/'), { api: 'https://x.lambda-url.us-east-1.on.aws/' }),
  ].map((b) => (b._tag === 'Remote' ? b.api.url : b._tag));
  assert.equal(tags, ['https://abc.lambda-url.eu-west-1.on.aws/', 'Local', 'Local', 'https://x.lambda-url.us-east-1.on.aws/']);
  assert.throws(() => backendOf(ctx('/'), { local: true, api: 'https://x/' }), /--local and --api contradict each other/);
});

Backend('run --remote without an API says how to name one', async () => {
  assert.equal(await hyperp(['run', '--remote', '--workflow', 'calculator', '--branch', 'main', '--repo', 'acme/calculator']), {
    code: 1, stdout: '', stderr: 'error: run --remote needs the deployed API: set HYPERP_API_URL or pass --api URL (docs/cli.md, "Remote mode")\n',
  });
});

Backend('a Function URL names its Region; SigV4 encodes what encodeURIComponent leaves', () => {
  assert.equal(['abc.lambda-url.eu-west-1.on.aws', '127.0.0.1', 'example.com'].map((h) => regionOfUrl(new URL(`https://${h}/`))), ['eu-west-1', undefined, undefined]);
  assert.is(strictEncode("(x * y) + (x / z)!'"), '%28x%20%2A%20y%29%20%2B%20%28x%20%2F%20z%29%21%27');
});

const Answers = suite('answers');

Answers('an older run shape and an error answer that is not JSON are said plainly', async () => {
  const caller = { accessKeyId: 'AKIAEVE0000000000001', secretAccessKey: 'eve-secret', userArn: 'arn:aws:iam::123456789012:user/eve' };
  const answers: Record<string, { statusCode: number; body: string }> = {
    '/runs/old': { statusCode: 200, body: JSON.stringify({ runId: 'old', status: 'SUCCEEDED', jobs: [{ name: 'a', status: 'SUCCEEDED', tasks: [] }] }) },
    '/runs/html': { statusCode: 400, body: '<html>Bad Request</html>' },
  };
  const fn = await startFunctionUrl(async (e) => answers[e.rawPath], [caller], 'eu-west-1');
  try {
    const env = { HYPERP_API_URL: fn.url, AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: caller.accessKeyId, AWS_SECRET_ACCESS_KEY: caller.secretAccessKey };
    const origin = fn.url.replace(/\/$/, '');
    assert.equal(await hyperp(['runs', 'show', 'old'], { env }), {
      code: 1, stdout: '', stderr: `error: the hyperp API at ${origin} answers runs in an older shape than this CLI reads; update the deployment (hyperp deploy)\n`,
    });
    assert.equal(await hyperp(['cost', 'html'], { env }), { code: 1, stdout: '', stderr: 'error: <html>Bad Request</html> (HTTP 400 from the hyperp API)\n' });
    assert.equal(fn.served.map((s) => [s.path, s.status]), [['/runs/old', 200], ['/runs/html', 400]]);
  } finally {
    await fn.stop();
  }
});

Answers('throttling and transient failures are asked again, signed afresh; an API that stays away is named', async () => {
  const caller = { accessKeyId: 'AKIAEVE0000000000002', secretAccessKey: 'eve-secret', userArn: 'arn:aws:iam::123456789012:user/eve' };
  const statuses = [429, 503];
  const fn = await startFunctionUrl(async () => {
    const statusCode = statuses.shift() ?? 202;
    return { statusCode, body: JSON.stringify(statusCode === 202 ? { runId: 'r1', cancel: 'appended' } : { Message: 'Rate Exceeded.' }) };
  }, [caller], 'eu-west-1');
  const api = (url: string) => apiClient({ url, region: 'eu-west-1', credentials: async () => caller, retryDelaysMs: [1, 1] });
  try {
    assert.equal(await api(fn.url).cancel('r1', { requestId: 'q1', reason: 'test' }), { runId: 'r1', cancel: 'appended' });
    assert.equal(fn.served.map((s) => [s.method, s.path, s.status]), [['POST', '/runs/r1/cancel', 429], ['POST', '/runs/r1/cancel', 503], ['POST', '/runs/r1/cancel', 202]]);
    statuses.push(503, 503, 503);
    try {
      await api(fn.url).getRun('r1');
      assert.unreachable('a third 503 is the answer');
    } catch (e) {
      assert.equal([e instanceof CliError, (e as Error).message], [true, 'Rate Exceeded. (HTTP 503 from the hyperp API)']);
    }
  } finally {
    await fn.stop();
  }
  try {
    await api(fn.url).getRun('r1');
    assert.unreachable('nothing listens any more');
  } catch (e) {
    assert.equal([e instanceof CliError, (e as Error).message.startsWith(`cannot reach the hyperp API at ${fn.url.replace(/\/$/, '')}: fetch failed`)], [true, true]);
  }
});

Repo.run();
Backend.run();
Answers.run();
