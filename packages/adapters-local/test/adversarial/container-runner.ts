// The adversarial sandbox cases (sandbox-cases.ts, the same cases the process engine runs) and
// the container engines' own ones, against a real docker or podman as the user running the
// tests (root in CI); then hyperp killed with SIGKILL at any moment, and containers of dead
// hyperp processes. A case that cannot hold on an engine is listed in `expectedDifferences`
// with its reason: it still runs, and fails once it holds (so the list never goes stale).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openContainerEngine } from '../../src/engine/container-engine.js';
import { removeOrphans, selfOwner } from '../../src/engine/container-owner.js';
import { buildHostileImages, INPUT, runCase, sandboxCases, survivors, type SandboxCase, type SandboxTarget } from './sandbox-cases.js';
import { baseImage, requireEngine, type Cli } from './container-host.js';
import { tempDir } from '../temp.js';

const NAMESPACES = ['pid', 'net', 'ipc', 'uts', 'mnt'] as const;

/** Cases of every engine's sandbox that sandbox-cases.ts does not hold (yet). */
export const containerCases: readonly SandboxCase[] = [
  {
    name: 'gains no privilege from setuid programs or file capabilities (no_new_privs is set)',
    script: () => 'grep "^NoNewPrivs:" /proc/self/status',
    check: (r) => assert.match(r.log, /^NoNewPrivs:\s+1$/m, r.log),
  },
  {
    name: `has pid, net, ipc, uts and mount namespaces of its own`,
    script: () => NAMESPACES.map((n) => `echo "ns-${n}=$(readlink /proc/self/ns/${n})"`).join('\n'),
    check: (r) => {
      for (const n of NAMESPACES) {
        const inside = new RegExp(`^ns-${n}=(.*)$`, 'm').exec(r.log)?.[1];
        assert.ok(inside !== undefined && inside !== '', `no ${n} namespace reported:\n${r.log}`);
        assert.is.not(inside, readlinkSync(`/proc/self/ns/${n}`), `the job shares the host's ${n} namespace`);
      }
    },
  },
  {
    name: "runs in a user namespace of its own: its root is not the host's root",
    script: () => 'echo "ns-user=$(readlink /proc/self/ns/user)"; echo "uidmap=$(tr -s " " < /proc/self/uid_map)"',
    check: (r) => {
      assert.match(r.log, /^ns-user=user:\[\d+\]$/m, r.log);
      assert.not.match(r.log, new RegExp(`^ns-user=${readlinkSync('/proc/self/ns/user').replace(/[[\]]/g, '\\$&')}$`, 'm'), `the job shares the host's user namespace:\n${r.log}`);
      assert.not.match(r.log, /^uidmap= ?0 0 /m, `root in the job is the host's root:\n${r.log}`);
    },
  },
];

/** Whether the docker daemon runs containers in a user namespace (`userns-remap`). */
const dockerRemapsUsers = (): boolean =>
  (spawnSync('docker', ['info', '--format', '{{json .SecurityOptions}}'], { encoding: 'utf8' }).stdout ?? '').includes('name=userns');

/** The cases that cannot hold on `cli` here, each with why. */
export const expectedDifferences = (cli: Cli): Record<string, string> => ({
  [`an image link where the task's input is mounted (${INPUT} -> /etc) does not move the mount: the job reads the upstream output, read-only`]:
    `${cli}'s runtime (runc) resolves a mount's target through the image's links, inside the container's root: the input is mounted read-only over the image's /etc, and the container then fails to start (its /etc/hosts or resolv.conf cannot be mounted there); nothing reaches the host, and the input stays unchanged`,
  ...(cli === 'docker' && !dockerRemapsUsers()
    ? {
        "runs in a user namespace of its own: its root is not the host's root":
          "docker's user namespace is the daemon's (userns-remap), never one container's; this daemon has none, so root in the job is uid 0 of the host, without any capability, under no_new_privs and seccomp, seeing host folders only as its own mounts",
      }
    : {}),
});

/** Runs `cli args` and gives its stdout's words. */
const words = (cli: Cli, args: readonly string[]): string[] =>
  (spawnSync(cli, [...args], { encoding: 'utf8' }).stdout ?? '').split(/\s+/).filter((w) => w !== '');

export const runContainerSandboxSuites = async (cli: Cli): Promise<void> => {
  requireEngine(cli);
  const image = baseImage(cli);
  const root = tempDir(`hyperp-adv-${cli}-`);
  const scratchDir = join(root, 'tmp');
  const engine = await openContainerEngine({ cli, scratchDir });
  const target: SandboxTarget = { engine, image, hostile: await buildHostileImages(engine, image, root) };
  const differences = expectedDifferences(cli);
  const all = [...sandboxCases, ...containerCases];

  // Every case's task starts at once (the daemon runs them side by side, each in its own
  // container with its own limits); each test then checks its own.
  const results = new Map(all.map((c) => {
    const r = runCase(target, c);
    r.catch(() => undefined);
    return [c.name, r] as const;
  }));

  const cases = suite(`sandbox (${cli} engine)`);
  cases(`every expected difference of ${cli} names a case`, () => {
    assert.equal(Object.keys(differences).filter((name) => !all.some((c) => c.name === name)), []);
  });
  cases(`the ${cli} host enforces every limit (none to name in the once-per-run notice)`, () => {
    assert.equal(engine.unenforcedLimits?.(), []);
  });
  for (const c of all) {
    const why = differences[c.name];
    if (why === undefined) {
      cases(c.name, async () => c.check(await results.get(c.name)!));
      continue;
    }
    cases(`${c.name} — expected difference on ${cli}: ${why}`, async () => {
      const r = await results.get(c.name)!;
      let held = true;
      try {
        c.check(r);
      } catch {
        held = false;
      }
      assert.not.ok(held, `"${c.name}" now holds on ${cli}: remove its expected difference`);
    });
  }
  cases.run();

  const lifetime = suite(`sandbox (${cli} engine): containers never outlive hyperp`);

  /** Waits (bounded) until nothing of `owner` runs and no process holds `marker`; gives what is left. */
  const settle = async (owner: string, marker: string): Promise<string[]> => {
    const left = () => [
      ...words(cli, ['ps', '-q', '--filter', `label=hyperp.owner=${owner}`]).map((id) => `container ${id}`),
      ...survivors(marker).map((pid) => `process ${pid}`),
    ];
    for (let i = 0; i < 120; i++) {
      if (left().length === 0) return [];
      await sleep(250);
    }
    return left();
  };

  /** One trial: a child hyperp killed at a moment `trial` picks; gives what it left running. */
  const trialOf = async (trial: number): Promise<{ owner: string; left: string[] }> => {
    const marker = `hyperp-kill-${randomBytes(6).toString('hex')}`;
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'drive-containers.ts'), cli, scratchDir, image, marker], { stdio: ['ignore', 'pipe', 'inherit'] });
    // Even trials: killed as its n-th launch returns (containers being created); odd trials:
    // at a random moment after its first launch (some created, some starting, some running).
    const nth = 1 + (trial % 3);
    const delay = Math.floor(Math.random() * 2500);
    let spawned = 0;
    let owner = '';
    let armed = false;
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\n')) {
          if (line.startsWith('owner ')) owner = line.slice(6);
          if (line === 'spawned') spawned++;
        }
        if (armed || spawned < (trial % 2 === 0 ? nth : 1)) return;
        armed = true;
        if (trial % 2 === 0) child.kill('SIGKILL');
        else setTimeout(() => child.kill('SIGKILL'), delay);
      });
      child.once('exit', () => resolve());
    });
    assert.ok(owner !== '', `trial ${trial}: the child never opened its engine`);
    const still = await settle(owner, marker);
    if (still.length > 0) {
      const ids = words(cli, ['ps', '-aq', '--filter', `label=hyperp.owner=${owner}`]);
      if (ids.length > 0) spawnSync(cli, ['rm', '-f', ...ids], { stdio: 'ignore' });
    }
    return { owner, left: still.map((s) => `trial ${trial} (${trial % 2 === 0 ? `at launch ${nth}` : `${delay} ms after the first launch`}): ${s}`) };
  };

  lifetime('6 trials side by side: hyperp killed with SIGKILL as it creates containers, or at a random moment after, leaves none running; the next engine removes any it created', async () => {
    const trials = await Promise.all(Array.from({ length: 6 }, (_, trial) => trialOf(trial)));
    assert.equal(trials.flatMap((t) => t.left), []);
    const owners = trials.map((t) => t.owner);
    // A create still on its way when hyperp died leaves a container that never starts (the
    // daemon may finish it after its client is gone): the next engine that opens removes it.
    await openContainerEngine({ cli, scratchDir });
    const remaining = () => owners.flatMap((o) => words(cli, ['ps', '-aq', '--filter', `label=hyperp.owner=${o}`]));
    for (let i = 0; i < 60 && remaining().length > 0; i++) {
      await sleep(500);
      await removeOrphans(cli);
    }
    const ids = remaining();
    const states = ids.length > 0 ? spawnSync(cli, ['inspect', '--format', '{{.Name}} {{.State.Status}} {{index .Config.Labels "hyperp.owner"}}', ...ids], { encoding: 'utf8' }).stdout : '';
    assert.equal(ids, [], states);
  });

  lifetime('an engine that opens removes running containers of a hyperp that is gone, and keeps those of one alive', async () => {
    const dead = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
    const make = (owner: string) => {
      // (explicit rlimits: rootful podman's defaults exceed what a root without CAP_SYS_RESOURCE may set)
      const r = spawnSync(cli, ['run', '-d', '--network', 'none', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=64:64', '--label', `hyperp.owner=${owner}`, image, 'sleep', '600'], { encoding: 'utf8' });
      assert.is(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    const orphan = make(`${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}/${dead}/1`);
    const mine = make(selfOwner());
    try {
      await openContainerEngine({ cli, scratchDir });
      assert.is(spawnSync(cli, ['inspect', orphan], { stdio: 'ignore' }).status === 0, false, 'the orphan container is still there');
      assert.equal(words(cli, ['inspect', '--format', '{{.State.Running}}', mine]), ['true']);
    } finally {
      spawnSync(cli, ['rm', '-f', orphan, mine], { stdio: 'ignore' });
    }
  });

  lifetime.run();
};
