// `hyperp doctor`: with engines hidden from the PATH it names each miss and its fix, and its
// exit code follows what the chosen mode needs; in remote mode it signs one request to an API
// on 127.0.0.1 that answers, refuses or is gone, and never prints a secret.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hyperp } from './run-cli.js';
import { hyperpWithPath, pathWithout } from './narrow-path.js';
import { nodeCheck } from '../src/doctor/local-checks.js';
import { startFunctionUrl, type FunctionUrl } from './remote/function-url.js';

// The SDK's default chain must find nothing of this machine's, and ask no instance metadata.
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'HYPERP_API_URL']) delete process.env[k];

const fullPath = process.env['PATH'];
const work = mkdtempSync(join(tmpdir(), 'hyperp-doctor-'));
process.once('exit', () => rmSync(work, { recursive: true, force: true }));

interface Json { ok: boolean; mode: string; checks: { name: string; status: string; needed: boolean; detail: string; fix: string | null }[] }
const byName = (j: Json, name: string) => j.checks.find((c) => c.name === name);

const Local = suite('doctor, local mode');

const narrowPath = pathWithout(['bwrap', 'docker', 'podman']);

Local('without bubblewrap, Docker and podman on the PATH: each is missing with its fix, and the util-linux sandbox makes local mode ready', async () => {
  const path = narrowPath;
  const r = await hyperpWithPath(['doctor'], path);
  assert.equal([r.code, r.stderr], [0, ''], r.stdout);
  const lines = r.stdout.split('\n');
  const at = (name: string) => lines.findIndex((l) => new RegExp(`^(ok|missing) +${name}  `).test(l));
  const pad = (name: string) => name.padEnd('user namespaces'.length);
  assert.is(lines[at('docker')], `missing  ${pad('docker')}  docker is not installed (not needed here)`);
  assert.match(lines[at('docker') + 1]!, /^ +fix: install Docker Engine and start it \(.*sudo apt-get install docker\.io\)$/);
  assert.is(lines[at('podman')], `missing  ${pad('podman')}  podman is not installed (not needed here)`);
  assert.match(lines[at('podman') + 1]!, /fix: install Podman \(Debian\/Ubuntu: sudo apt-get install podman/);
  assert.is(lines[at('bubblewrap')], `missing  ${pad('bubblewrap')}  bwrap is not installed (not needed here)`);
  assert.match(lines[at('bubblewrap') + 1]!, /fix: install bubblewrap \(Debian\/Ubuntu: sudo apt-get install bubblewrap;/);
  assert.match(lines[at('util-linux')]!, /^ok +util-linux  /);
  assert.is(lines[at('engine auto')], `ok       ${pad('engine auto')}  hyperp run uses the process engine (util-linux sandbox)`);
  assert.match(lines[at('node')]!, new RegExp(`^ok +node +v${process.versions.node.replace(/\./g, '\\.')} `));
  assert.match(lines[at('git')]!, /^ok +git +git version /);
  assert.is(lines.at(-2), 'ready: local mode has what it needs');
});

Local('--engine bwrap without bubblewrap: not ready, exit 1; the JSON names the miss and the install command', async () => {
  // In this process (the probes spawn with its PATH): a second child would only cost time.
  process.env['PATH'] = narrowPath;
  const r = await hyperp(['doctor', '--engine', 'bwrap', '--json'], { cwd: work });
  process.env['PATH'] = fullPath;
  assert.is(r.code, 1, r.stderr);
  const j = JSON.parse(r.stdout) as Json;
  assert.equal([j.ok, j.mode], [false, 'local']);
  assert.equal(byName(j, 'engine bwrap'), {
    name: 'engine bwrap', status: 'missing', needed: true, detail: 'engine bwrap can run jobs here (hyperp never runs them unsandboxed)', fix: 'see the bubblewrap line above',
  });
  assert.equal(byName(j, 'bubblewrap'), {
    name: 'bubblewrap', status: 'missing', needed: false, detail: 'bwrap is not installed',
    fix: 'install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap)',
  });
  assert.equal(j.checks.filter((c) => c.status === 'missing' && c.needed).map((c) => c.name), ['engine bwrap']);
});

Local('a Node.js older than the package\'s engines field is missing, with how to get a newer one', () => {
  const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
  const need = /\d+(?:\.\d+)*/.exec(engines.node)![0];
  assert.equal(nodeCheck('18.20.4'), {
    name: 'node', ok: false, needed: true, detail: `v18.20.4 is older than hyperp needs (${need} or later)`,
    fix: `install Node.js ${need} or later (https://nodejs.org/en/download, or your distribution's nodejs package)`,
  });
  assert.equal(nodeCheck(need).ok, true);
});

Local.run();

const Remote = suite('doctor, remote mode');
const ada = { accessKeyId: 'AKIAADA0000000000001', secretAccessKey: 'ada-secret-key', userArn: 'arn:aws:iam::123456789012:user/ada' };
let fn: FunctionUrl;
let gone: string;
let env: Record<string, string | undefined>;

Remote.before(async () => {
  // The engines' probes run in this process: without docker and podman they answer at once.
  process.env['PATH'] = narrowPath;
  // The API as the deployment answers a run it does not have.
  fn = await startFunctionUrl(async (e) => ({ statusCode: 404, body: JSON.stringify({ error: `no run ${e.rawPath.split('/').pop()}` }) }), [ada], 'us-east-1');
  const stopped = await startFunctionUrl(async () => ({ statusCode: 200, body: '{}' }), [ada], 'us-east-1');
  gone = stopped.url;
  await stopped.stop();
  env = { HYPERP_API_URL: fn.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: ada.accessKeyId, AWS_SECRET_ACCESS_KEY: ada.secretAccessKey, PATH: process.env['PATH'] };
});
Remote.after(async () => {
  process.env['PATH'] = fullPath;
  await fn.stop();
});
Remote.before.each(() => void (fn.served.length = 0));

const doctor = (extra: Record<string, string | undefined>) => hyperp(['doctor', '--json'], { cwd: work, env: { ...env, ...extra } });

Remote('an API that answers the signed request: ready, exit 0; the key is masked and the secret never printed', async () => {
  const r = await doctor({});
  assert.is(r.code, 0, r.stdout);
  const j = JSON.parse(r.stdout) as Json;
  assert.equal([j.ok, j.mode], [true, 'remote']);
  assert.equal(byName(j, 'aws credentials'), {
    name: 'aws credentials', status: 'ok', needed: true, detail: 'access key AKIA…0001, from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY', fix: null,
  });
  assert.equal(byName(j, 'api'), {
    name: 'api', status: 'ok', needed: true, detail: `${new URL(fn.url).origin} answered a signed request (HTTP 404 for a run that does not exist, as it should)`, fix: null,
  });
  assert.equal(fn.served, [{ method: 'GET', path: '/runs/hyperp-doctor-probe', status: 404 }]);
  assert.not.ok(r.stdout.includes(ada.secretAccessKey) || r.stdout.includes(ada.accessKeyId));
  const text = await hyperp(['doctor'], { cwd: work, env });
  assert.match(text.stdout, /^hyperp doctor: remote mode /);
  assert.match(text.stdout, /\nready: remote mode has what it needs\n$/);
});

Remote('a refused signature, missing credentials, an API that is gone: each not ready, exit 1, with its fix', async () => {
  const refused = await doctor({ AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
  assert.is(refused.code, 1);
  assert.equal(byName(JSON.parse(refused.stdout) as Json, 'api'), {
    name: 'api', status: 'missing', needed: true,
    detail: `${new URL(fn.url).origin} refused the signed request: The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. (HTTP 403 from the hyperp API)`,
    fix: 'attach the deployment\'s `cliUserPolicyArn` policy to the user or role of these credentials (docs/deploy.md), and check AWS_REGION is the deployment\'s Region',
  });
  assert.not.ok(refused.stdout.includes('not-the-secret'));
  assert.equal(fn.served, [{ method: 'GET', path: '/runs/hyperp-doctor-probe', status: 403 }]);

  const none = await doctor({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'), AWS_CONFIG_FILE: join(work, 'none') });
  const j = JSON.parse(none.stdout) as Json;
  assert.equal([none.code, j.checks.filter((c) => c.status === 'missing' && c.needed).map((c) => c.name)], [1, ['aws credentials', 'api']]);
  assert.match(byName(j, 'aws credentials')!.fix!, /^set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE/);
  assert.is(byName(j, 'api')!.detail, 'not asked: there are no credentials to sign the request with');
  assert.is(fn.served.length, 1, 'nothing unsigned was sent');

  const unreachable = await doctor({ HYPERP_API_URL: gone });
  const api = byName(JSON.parse(unreachable.stdout) as Json, 'api')!;
  assert.equal([unreachable.code, api.status], [1, 'missing']);
  assert.match(api.detail, `cannot reach the hyperp API at ${new URL(gone).origin}`);
  assert.match(api.fix!, /^set HYPERP_API_URL \(or --api\) to the deployment's apiUrl output/);
});

Remote.run();
