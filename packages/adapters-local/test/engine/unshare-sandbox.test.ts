// The util-linux sandbox's setup takes every path, name, value and argument as data: its shell
// script never changes, hostile strings reach it only as arguments and arrive in the job as
// they were; and it refuses the one mount it cannot make safely.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processEngine } from '../../src/engine/process-engine.js';
import { jobArgs, SandboxPlanError, SETUP, unshareCommand, unshareOps } from '../../src/engine/unshare-sandbox.js';
import { pathWithout } from '../path-without.js';
import { tempDir } from '../temp.js';

const root = tempDir('hyperp-unshare-');
const pwned = join(root, 'pwned');
/** Each would create `pwned` if it were ever taken as shell code. */
const hostile = [`$(touch ${pwned})`, `\`touch ${pwned}\``, `'; touch ${pwned}; '`, `"; touch ${pwned}; "`, `x\ntouch ${pwned}`];

const u = suite('util-linux sandbox');

u('the setup script is the same text whatever the task; every hostile string is one argument of its own', () => {
  const cmd = unshareCommand({
    unshare: '/usr/bin/unshare', network: false, marker: 'M', stage: '/s',
    ops: unshareOps(hostile.map((h, i) => ({ _tag: 'Symlink' as const, target: h, path: `/l${i}` }))),
    job: jobArgs('/w', undefined, Object.fromEntries(hostile.map((h, i) => [`V${i}`, h])), ['echo', ...hostile]),
  });
  assert.is(cmd[cmd.indexOf('-c') + 1], SETUP);
  for (const h of hostile) {
    assert.not.ok(SETUP.includes(h));
    assert.ok(cmd.includes(h), h);
  }
});

u('a mount inside a writable mount is refused (other jobs can change that folder meanwhile); inside a read-only one it is made', () => {
  const bind = (path: string, readOnly: boolean, under?: string) => ({ _tag: 'Bind' as const, source: '/h', path, kind: 'dir' as const, readOnly, ...(under ? { under } : {}) });
  assert.throws(() => unshareOps([bind('/output', false), bind('/output/v', false, '/output')]), (e: unknown) => e instanceof SandboxPlanError && /\/output\/v lies inside \/output/.test(e.message));
  assert.equal(unshareOps([bind('/input/a', true), bind('/input/a/v', false, '/input/a')]).map((o) => o[0]), ['ro-bind-dir', 'bind-dir-in']);
  assert.throws(() => unshareOps([{ _tag: 'Dir', path: '/a/../etc' }]), (e: unknown) => e instanceof SandboxPlanError);
});

u('hostile paths, environment values and arguments reach the job as they are, and run nothing on the way', async () => {
  process.env.PATH = pathWithout('bwrap');
  const engine = processEngine({ imagesDir: join(root, 'images'), scratchDir: join(root, 'tmp'), sandbox: 'unshare' });
  const built = await engine.build({
    key: 'img', dockerfilePath: 'job/Dockerfile', context: 'job', dockerfile: 'FROM debian:bookworm-slim\nCOPY run.sh /app/\n',
    files: { files: ['run.sh'], read: () => Buffer.from('true\n'), mode: () => 0o644 }, logFile: join(root, 'build.log'),
  });
  assert.is(built._tag, 'Built');
  // A host folder's name holds no '/': quotes and substitutions, then.
  const data = join(root, 'd \'"`$(id)`"\'; $HOME');
  mkdirSync(data);
  writeFileSync(join(data, 'f'), 'in data\n');
  const env = Object.fromEntries(hostile.map((h, i) => [`V${i}`, h]));
  const exit = await engine.run({
    attemptKey: 'k', memoryMiB: 256, network: false, logFile: join(root, 'task.log'),
    containers: [{
      name: 'main', image: 'img', essential: true, environment: env, stopTimeoutSeconds: 1, limits: { memoryMiB: 256, pids: 64, tmpMiB: 8 },
      entryPoint: ['/bin/sh', '-c', 'for v in "$V0" "$V1" "$V2" "$V3" "$V4" "$@"; do printf "[%s]\\n" "$v"; done; cat "/data/$1"/f', 'sh'],
      command: [hostile[3]!],
      binds: [{ host: data, sandbox: `/data/${hostile[3]}`, readOnly: true }],
    }],
  }).done;
  const log = readFileSync(join(root, 'task.log'), 'utf8');
  assert.equal(exit.containers, [{ name: 'main', exitCode: 0, reason: null }], log);
  assert.is(log, `${[...hostile, hostile[3]].map((h) => `[${h}]\n`).join('')}in data\n`);
  assert.not.ok(existsSync(pwned), 'a hostile string ran as shell code');
});

u.run();
