// Who owns a container, and the reaper that removes a dead owner's containers, against a
// stand-in CLI (the real daemons: test/adversarial/sandbox-docker.test.ts, sandbox-podman.test.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ownerGone, ownerOf, removeOrphans, selfOwner } from '../../src/engine/container-owner.js';
import { tempDir } from '../temp.js';

const here = new URL('.', import.meta.url).pathname;
const ownerModule = join(here, '../../src/engine/container-owner.ts');

/** The pid of a process that has ended. */
const deadPid = (): number => {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(r.stdout.toString().trim());
};

const owner = suite('container owner');

owner('this process is alive; an ended one, or a reused pid (another start time), is gone', () => {
  assert.is(ownerGone(selfOwner()), false);
  assert.is(ownerGone(ownerOf(deadPid())), true);
  const [host, pid] = selfOwner().split('/');
  assert.is(ownerGone(`${host}/${pid}/1`), true);
});

owner('an owner on another host is never judged gone (one daemon may serve several machines)', () => {
  assert.is(ownerGone(`not-${hostname()}/${deadPid()}/1`), false);
  assert.is(ownerGone('garbage'), false);
});

/** A stand-in CLI: `ps` lists `$bin/ps.out`, `inspect` prints `$bin/inspect.out`, all calls logged. */
const fakeCli = () => {
  const bin = tempDir('hyperp-fake-cli-');
  const cli = join(bin, 'docker');
  writeFileSync(cli, `#!/bin/sh
echo "$*" >> ${bin}/calls.log
case "$1" in
  ps) cat ${bin}/ps.out 2>/dev/null ;;
  inspect) cat ${bin}/inspect.out 2>/dev/null ;;
esac
exit 0
`);
  chmodSync(cli, 0o755);
  return { bin, cli, calls: () => (existsSync(join(bin, 'calls.log')) ? readFileSync(join(bin, 'calls.log'), 'utf8') : '') };
};

owner('an engine that opens removes the containers of owners that are gone, and only those', async () => {
  const f = fakeCli();
  const dead = ownerOf(deadPid());
  writeFileSync(join(f.bin, 'ps.out'), 'aaa\nbbb\nccc\n');
  writeFileSync(join(f.bin, 'inspect.out'), `aaa /hyperp-a-0 ${dead}\nbbb /hyperp-b-0 ${selfOwner()}\nccc /hyperp-c-0 elsewhere/1/1\n`);
  assert.equal(await removeOrphans(f.cli), ['hyperp-a-0']);
  assert.match(f.calls(), /^rm -f aaa$/m);
  assert.not.match(f.calls(), /^rm -f .*(bbb|ccc)/m);
});

const reaper = suite('container reaper');

/** A child hyperp stand-in that starts the reaper, says its owner, and waits (or ends at once). */
const child = (cli: string, wait: boolean, engines = 1) =>
  spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', `
import { startReaper, selfOwner } from ${JSON.stringify(ownerModule)};
for (let i = 0; i < ${engines}; i++) startReaper(${JSON.stringify(cli)}, selfOwner());
console.log(selfOwner());
${wait ? 'setInterval(() => undefined, 1000);' : ''}
`], { stdio: ['ignore', 'pipe', 'inherit'] });

const firstLine = (c: ReturnType<typeof child>): Promise<string> =>
  new Promise((resolve) => {
    let out = '';
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
  });

/** Polls `check` until it holds (or gives up after `tries`); gives whether it held. */
const eventually = async (check: () => boolean, tries = 200): Promise<boolean> => {
  for (let i = 0; i < tries; i++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
};

reaper('kill -9 of hyperp: its reaper lists its containers by owner and removes them', async () => {
  const f = fakeCli();
  writeFileSync(join(f.bin, 'ps.out'), 'c1\nc2\n');
  const c = child(f.cli, true);
  const me = await firstLine(c);
  assert.is(f.calls(), '');
  c.kill('SIGKILL');
  assert.ok(await eventually(() => /^rm -f c1 c2$/m.test(f.calls())), f.calls());
  assert.match(f.calls(), new RegExp(`^ps -aq --filter label=hyperp.owner=${me}$`, 'm'));
});

reaper('a process that opens several engines has one reaper: its containers are listed and removed once', async () => {
  const f = fakeCli();
  writeFileSync(join(f.bin, 'ps.out'), 'c1\n');
  const c = child(f.cli, true, 3);
  await firstLine(c);
  c.kill('SIGKILL');
  assert.ok(await eventually(() => /^rm -f c1$/m.test(f.calls())), f.calls());
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(f.calls().split('\n').filter((l) => l.startsWith('ps ')).length, 1, f.calls());
});

reaper('the reaper never keeps hyperp alive: a process that started it ends on its own, and is reaped', async () => {
  const f = fakeCli();
  const c = child(f.cli, false);
  await firstLine(c);
  const code = await new Promise<number | null>((resolve) => c.once('exit', (x) => resolve(x)));
  assert.is(code, 0);
  assert.ok(await eventually(() => /^ps -aq /m.test(f.calls())), f.calls());
});

owner.run();
reaper.run();
