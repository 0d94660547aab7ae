/**
 * What a hostile job tries from inside its sandbox, as data, so the same cases run against
 * every engine (`sandbox-process.test.ts` for bubblewrap; the docker and podman runners import
 * this module too).
 *
 * How to run them against an engine:
 *
 *     import { sandboxCases, runCase, type SandboxTarget } from './sandbox-cases.js';
 *     const hostile = await buildHostileImages(engine, image, dir);
 *     const target: SandboxTarget = { engine, image, hostile };   // image: has /bin/sh, coreutils, mount
 *     for (const c of sandboxCases) test(c.name, () => runOrNotice(target, c));
 *
 * `runCase` runs `sh -c <script>` as the only (essential) container of a task through
 * `engine.run`, with `/output` (read-write) and `/input/upstream job` (read-only, holding
 * `value.txt` = "41") bound from fresh host folders, no network, and the case's limits; it
 * returns the container's exit, its reason, the task's log and those host folders. A case's
 * `check` throws (uvu's assert) when the sandbox let the job do what it must not. A case marked
 * `image: <name>` runs in that hostile image instead: the base image with links where images
 * hold folders (`HOSTILE_IMAGES`), built by the engine under test (`buildHostileImages`).
 *
 * Scripts use POSIX sh, coreutils and util-linux's `mount` only, so any small image serves.
 * The kill -9 case is not a script: `survivors(marker)` finds sandboxed processes left behind
 * by a killed hyperp, for a runner that drives tasks from a child process it kills.
 */
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildContext } from '../../src/build/layout.js';
import type { ContainerLimits, Engine } from '../../src/engine/types.js';
import { OUT_OF_MEMORY_REASON } from '../../src/engine/types.js';
import { tempDir } from '../temp.js';

export interface SandboxTarget {
  readonly engine: Engine;
  /** What `ContainerLaunch.image` names for this engine (a built key, or an image reference). */
  readonly image: string;
  /** The same for the images `buildHostileImages` built. */
  readonly hostile: Readonly<Record<HostileImage, string>>;
}

/** Hostile images: the links each holds where images hold folders (in-image path → target). */
export const HOSTILE_IMAGES = {
  links: { '/usr/local/bin': '/etc', '/usr/local/sbin': '../../..' },
  'input-link': { '/input/upstream job': '/etc' },
} as const satisfies Record<string, Readonly<Record<string, string>>>;

export type HostileImage = keyof typeof HOSTILE_IMAGES;

/**
 * Builds, with `engine`, each hostile image `FROM base` (a repository can commit such links and
 * COPY them anywhere); gives the image reference of each.
 */
export const buildHostileImages = async (engine: Engine, base: string, dir: string): Promise<Record<HostileImage, string>> => {
  const build = async (name: HostileImage): Promise<string> => {
    const links: Readonly<Record<string, string>> = HOSTILE_IMAGES[name];
    const context: BuildContext = {
      files: Object.keys(links).map((p) => `links${p}`),
      read: (f) => Buffer.from(links[f.slice('links'.length)]!),
      mode: () => 0o777,
      link: (f) => links[f.slice('links'.length)],
    };
    const top = [...new Set(Object.keys(links).map((p) => p.split('/')[1]!))];
    const log = join(dir, `hostile-${name}.log`);
    const built = await engine.build({
      key: `hostile-${name}-1`, dockerfilePath: 'hostile/Dockerfile', context: 'hostile', files: context, logFile: log,
      dockerfile: `FROM ${base}\n${top.map((t) => `COPY links/${t}/ /${t}/\n`).join('')}`,
    });
    if (built._tag !== 'Built') throw new Error(`the hostile image ${name} was not built: ${built.reason}\n${readFileSync(log, 'utf8')}`);
    return built.imageRef;
  };
  return { links: await build('links'), 'input-link': await build('input-link') };
};

export interface CaseContext {
  /** Host folder bound at /output. */
  readonly output: string;
  /** Host folder bound read-only at /input/upstream job (holds value.txt = "41"). */
  readonly input: string;
  /** A fresh random word, for names a case must not find on the host afterwards. */
  readonly token: string;
}

export interface CaseResult extends CaseContext {
  readonly exitCode: number | null;
  readonly reason: string | null;
  readonly stopCode: string;
  /** The task's log (the container's stdout and stderr). */
  readonly log: string;
}

export interface SandboxCase {
  readonly name: string;
  readonly script: (ctx: CaseContext) => string;
  /** Runs in one of the target's hostile images rather than its plain one. */
  readonly image?: HostileImage;
  /** Overrides of DEFAULT_CASE_LIMITS. */
  readonly limits?: Partial<ContainerLimits>;
  /**
   * The limit the case depends on, as `Engine.unenforcedLimits` names it: on a host that cannot
   * enforce it, a runner checks instead that the engine says so (see `runOrNotice`).
   */
  readonly needs?: 'memory' | 'process count';
  readonly check: (r: CaseResult) => void;
}

export const DEFAULT_CASE_LIMITS: ContainerLimits = { memoryMiB: 256, pids: 256, tmpMiB: 64 };
export const INPUT = '/input/upstream job';

export const runCase = async (t: SandboxTarget, c: SandboxCase): Promise<CaseResult> => {
  const root = tempDir('hyperp-adv-');
  const output = join(root, 'output');
  const input = join(root, 'input');
  mkdirSync(output);
  mkdirSync(input);
  writeFileSync(join(input, 'value.txt'), '41');
  const ctx: CaseContext = { output, input, token: `hyperp-probe-${randomBytes(6).toString('hex')}` };
  const limits = { ...DEFAULT_CASE_LIMITS, ...c.limits };
  const logFile = join(root, 'task.log');
  const exit = await t.engine.run({
    attemptKey: `adversarial/${ctx.token}/1/1`,
    memoryMiB: limits.memoryMiB,
    network: false,
    logFile,
    containers: [{
      name: 'main', image: c.image === undefined ? t.image : t.hostile[c.image], essential: true, entryPoint: ['/bin/sh', '-c'],
      // One stream: a container engine keeps stdout and stderr apart, so a shell's own error (a
      // failed redirect) could otherwise land in the middle of the `name=value` line after it.
      command: [`exec 2>&1\n${c.script(ctx)}`],
      environment: {}, stopTimeoutSeconds: 2, limits,
      binds: [{ host: output, sandbox: '/output', readOnly: false }, { host: input, sandbox: INPUT, readOnly: true }],
    }],
  }).done;
  const container = exit.containers[0]!;
  return { ...ctx, exitCode: container.exitCode, reason: container.reason, stopCode: exit.stopCode, log: existsSync(logFile) ? readFileSync(logFile, 'utf8') : '' };
};

/**
 * Runs the case, or, when it needs a limit this host cannot enforce, checks that the engine
 * names that limit for the once-per-run notice (a host without cgroups runs jobs unlimited,
 * and must say so rather than pretend).
 */
export const runOrNotice = async (t: SandboxTarget, c: SandboxCase): Promise<void> => {
  const missing = t.engine.unenforcedLimits?.() ?? [];
  if (c.needs !== undefined && missing.some((m) => m.startsWith(c.needs!))) {
    console.log(`  (${c.name}: not enforced on this host; the engine says so: ${missing.join(', ')})`);
    return;
  }
  c.check(await runCase(t, c));
};

/** `name=value` lines the scripts print, by name. */
const printed = (log: string): Record<string, string> =>
  Object.fromEntries(log.split('\n').flatMap((l) => {
    const m = /^([a-z0-9-]+)=(.*)$/.exec(l);
    return m ? [[m[1]!, m[2]!]] : [];
  }));

const failed = (r: CaseResult, what: string) => {
  const v = printed(r.log)[what];
  assert.ok(v !== undefined, `the script did not report ${what}:\n${r.log}`);
  assert.is.not(v, '0', `${what} succeeded inside the sandbox:\n${r.log}`);
};

export const sandboxCases: readonly SandboxCase[] = [
  {
    name: 'holds no capability at all (CapEff, CapPrm, CapBnd, CapAmb are 0), also when hyperp runs as root',
    script: () => 'grep -E "^Cap(Eff|Prm|Bnd|Amb):" /proc/self/status',
    check: (r) => {
      const caps = r.log.split('\n').filter((l) => /^Cap(Eff|Prm|Bnd|Amb):/.test(l));
      assert.is(caps.length, 4, r.log);
      for (const l of caps) assert.match(l, /:\s+0{16}$/, `${l} (as uid ${process.getuid?.()})`);
    },
  },
  {
    name: 'cannot make a user namespace to regain capabilities',
    script: () => 'unshare -U -r true 2>&1; echo "unshare=$?"',
    check: (r) => failed(r, 'unshare'),
  },
  {
    name: 'cannot remount /usr read-write, and what it writes under /usr never reaches the host',
    script: (c) => `mount -o remount,bind,rw /usr 2>&1; echo "remount=$?"
echo pwned > /usr/${c.token} 2>&1; echo "write=$?"`,
    check: (r) => {
      failed(r, 'remount');
      assert.not.ok(existsSync(`/usr/${r.token}`), `the job wrote /usr/${r.token} on the host`);
    },
  },
  {
    name: `cannot make ${INPUT} writable (remount, bind over it) nor change the upstream job's output`,
    script: () => `mount -o remount,bind,rw "${INPUT}" 2>&1; echo "remount=$?"
mount --bind /tmp "${INPUT}" 2>&1; echo "bind=$?"
echo changed > "${INPUT}/value.txt" 2>&1; echo "write=$?"
touch "${INPUT}/planted" 2>&1; echo "create=$?"
rm -f "${INPUT}/value.txt" 2>&1; [ -e "${INPUT}/value.txt" ]; echo "remove=$?"`,
    check: (r) => {
      for (const what of ['remount', 'bind', 'write', 'create']) failed(r, what);
      assert.is(printed(r.log)['remove'], '0', `the job removed the upstream output:\n${r.log}`);
      assert.is(readFileSync(join(r.input, 'value.txt'), 'utf8'), '41');
      assert.equal(readdirSync(r.input), ['value.txt']);
    },
  },
  {
    name: 'what it writes to host system files (/etc/passwd, /usr/bin) never reaches the host',
    script: (c) => `echo "${c.token}:x:0:0::/:/bin/sh" >> /etc/passwd 2>&1; echo "passwd=$?"
echo pwned > /usr/bin/${c.token} 2>&1; echo "bin=$?"`,
    check: (r) => {
      assert.not.ok(readFileSync('/etc/passwd', 'utf8').includes(r.token), 'the job added a user to the host');
      assert.not.ok(existsSync(`/usr/bin/${r.token}`), 'the job wrote into the host /usr/bin');
    },
  },
  {
    name: "runs in a session of its own (not hyperp's) with no terminal to push input into",
    // Field 6 of /proc/self/stat is the session: 0 when its leader is outside the sandbox's pid
    // namespace, that is, when the job shares a session (and so a terminal) with hyperp.
    script: () => `read -r _ _ _ _ _ sid _ < /proc/self/stat; echo "sid=$sid"
[ -t 0 ] || [ -t 1 ] || [ -t 2 ]; echo "tty=$?"`,
    check: (r) => {
      const p = printed(r.log);
      assert.ok(p['sid'] !== undefined && p['sid'] !== '0', `the job shares hyperp's session:\n${r.log}`);
      failed(r, 'tty');
    },
  },
  {
    name: 'sees none of the host processes (own pid namespace)',
    script: () => 'for p in /proc/[0-9]*; do printf "proc=%s\\n" "$(tr "\\0" " " < $p/cmdline)"; done',
    check: (r) => {
      const procs = r.log.split('\n').filter((l) => l.startsWith('proc='));
      assert.ok(procs.length > 0 && procs.length < 8, `the job sees ${procs.length} processes:\n${r.log}`);
      assert.not.ok(procs.some((l) => /\bnode\b|tsx/.test(l)), `the job sees hyperp:\n${r.log}`);
    },
  },
  {
    name: 'has no network but its own loopback by default',
    script: () => 'tail -n +3 /proc/net/dev | while read -r name _; do echo "iface=${name%:}"; done',
    check: (r) => {
      const ifaces = r.log.split('\n').filter((l) => l.startsWith('iface=')).map((l) => l.slice(6));
      assert.equal(ifaces, ['lo'], r.log);
    },
  },
  {
    name: "over its memory it is killed, with ECS's OutOfMemoryError reason",
    needs: 'memory',
    limits: { memoryMiB: 64, tmpMiB: 16 },
    // tail keeps the last line whole, and /dev/zero never ends one: it grows until it is killed.
    script: () => 'exec tail -n 1 /dev/zero',
    check: (r) => {
      assert.is(r.reason, OUT_OF_MEMORY_REASON, r.log);
      assert.is(r.exitCode, 137, r.log);
    },
  },
  {
    name: 'a fork bomb is stopped by its process count',
    needs: 'process count',
    limits: { pids: 32 },
    script: () => `i=0; while [ $i -lt 500 ]; do sleep 30 & i=$((i+1)); echo $i > /output/started; done 2>/dev/null; echo "all=$i"`,
    check: (r) => {
      const started = Number(readFileSync(join(r.output, 'started'), 'utf8'));
      assert.ok(started < 32, `the job started ${started} processes with a limit of 32`);
      assert.not.ok('all' in printed(r.log), r.log);
    },
  },
  {
    name: '/tmp holds no more than its size',
    limits: { tmpMiB: 8 },
    script: () => 'head -c 64m /dev/zero > /tmp/big 2>&1; echo "write=$?"; echo "size=$(wc -c < /tmp/big)"',
    check: (r) => {
      failed(r, 'write');
      assert.ok(Number(printed(r.log)['size']) <= 8 * 1024 * 1024, r.log);
    },
  },
  {
    name: "an image's links (/usr/local/bin -> /etc, /usr/local/sbin -> ../../..) stay links inside the sandbox: nothing written through them reaches the host",
    image: 'links',
    script: (c) => `echo "bin=$(readlink /usr/local/bin)"; echo "sbin=$(readlink /usr/local/sbin)"
echo pwned > /usr/local/bin/${c.token} 2>&1; echo "through-bin=$?"
mkdir -p /usr/local/sbin/tmp 2>&1; echo pwned > /usr/local/sbin/tmp/${c.token} 2>&1; echo "through-sbin=$?"`,
    check: (r) => {
      const p = printed(r.log);
      assert.equal([p['bin'], p['sbin']], ['/etc', '../../..'], r.log);
      for (const host of [`/etc/${r.token}`, `/tmp/${r.token}`, `/${r.token}`, `/usr/local/bin/${r.token}`, `/usr/local/sbin/${r.token}`, `/usr/local/sbin/tmp/${r.token}`]) {
        assert.not.ok(existsSync(host), `the job wrote ${host} on the host`);
      }
    },
  },
  {
    name: `an image link where the task's input is mounted (${INPUT} -> /etc) does not move the mount: the job reads the upstream output, read-only`,
    image: 'input-link',
    script: () => `echo "value=$(cat "${INPUT}/value.txt")"
echo changed > "${INPUT}/value.txt" 2>&1; echo "write=$?"`,
    check: (r) => {
      assert.is(printed(r.log)['value'], '41', r.log);
      failed(r, 'write');
      assert.is(readFileSync(join(r.input, 'value.txt'), 'utf8'), '41');
      assert.not.ok(existsSync('/etc/value.txt'), 'the input was mounted over the host /etc');
    },
  },
];

/** Host processes whose command line holds `marker` (sandboxes a killed hyperp left running). */
export const survivors = (marker: string): number[] =>
  readdirSync('/proc').filter((n) => /^[0-9]+$/.test(n) && Number(n) !== process.pid).flatMap((n) => {
    try {
      return readFileSync(`/proc/${n}/cmdline`, 'utf8').includes(marker) ? [Number(n)] : [];
    } catch {
      return [];
    }
  });
