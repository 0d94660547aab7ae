/**
 * Which engine runs jobs here. `auto` prefers docker, then podman (real images), then the
 * process engine; the process engine runs its tasks in bubblewrap, or, where bubblewrap is
 * missing, in the util-linux sandbox (`process` takes the first that works; `bwrap` and
 * `unshare` ask for one). A binary on the PATH is not enough: docker's client is often
 * installed without a running daemon, and a kernel or AppArmor can forbid the namespaces a
 * sandbox needs, so each candidate is probed by doing the smallest real thing. Without any,
 * hyperp says how to get one and runs nothing: jobs never run unsandboxed.
 */
import { spawn } from 'node:child_process';
import { unshareProbe } from './host-sandbox.js';
import { SANDBOX_LABEL, SANDBOX_PATH, type SandboxName } from './unshare-sandbox.js';
import type { EngineName } from './types.js';

/** The smallest sandbox with every option a task's sandbox uses. */
export const SANDBOX_PROBE_ARGS = [
  '--unshare-all', '--unshare-user', '--disable-userns', '--cap-drop', 'ALL', '--new-session', '--die-with-parent',
  '--ro-bind', '/', '/', '--perms', '1777', '--size', '1048576', '--tmpfs', '/tmp', '--', 'true',
] as const;

/** What `--engine` takes: an engine, or the process engine with one sandbox. */
export type EngineChoice = 'auto' | EngineName | SandboxName;
export const ENGINE_CHOICES: readonly EngineChoice[] = ['auto', 'docker', 'podman', 'process', 'bwrap', 'unshare'];

/** What is probed: each container engine, each sandbox of the process engine. */
export type Candidate = 'docker' | 'podman' | SandboxName;

export interface Probe {
  readonly ok: boolean;
  /** Why it is unusable (missing binary, daemon down, namespaces refused), for messages. */
  readonly detail: string;
}

export type Detected =
  | { readonly _tag: 'Detected'; readonly engine: EngineName; readonly sandbox?: SandboxName; readonly skipped: readonly string[] }
  | { readonly _tag: 'NoEngine'; readonly message: string };

const run = (file: string, args: readonly string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<Probe> =>
  new Promise((resolve) => {
    let err = '';
    const child = spawn(file, [...args], { stdio: ['ignore', 'ignore', 'pipe'], ...(env ? { env } : {}) });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: e.code === 'ENOENT' ? `${file} is not installed` : e.message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const first = err.trim().split('\n').find((l) => l.trim() !== '') ?? '';
      resolve(code === 0 ? { ok: true, detail: '' } : { ok: false, detail: signal ? `${file} did not answer within ${timeoutMs} ms` : `${file}: ${first || `exit code ${code}`}` });
    });
  });

/** How long docker's or podman's `info` may take before the engine is judged not to work. */
export const DAEMON_PROBE_MS = 30_000;

/** The util-linux sandbox, set up for real around `true` (see host-sandbox.ts). */
const probeUnshare = async (): Promise<Probe> => {
  const probe = unshareProbe();
  try {
    return await run(probe.command[0]!, probe.command.slice(1), 5000, { PATH: SANDBOX_PATH });
  } finally {
    probe.cleanup();
  }
};

/** The probes, one per candidate; tests replace them. */
export const probes: Record<Candidate, () => Promise<Probe>> = {
  // `info` waits for the daemon, and podman's for its storage lock, which a busy podman (another
  // run's containers starting) holds for seconds: a short wait would fail a working engine.
  docker: () => run('docker', ['info', '--format', '{{.ServerVersion}}'], DAEMON_PROBE_MS),
  podman: () => run('podman', ['info', '--format', '{{.Version.Version}}'], DAEMON_PROBE_MS),
  // The options every sandbox uses (sandbox.ts): a bwrap too old for one of them (--disable-userns
  // came in 0.8.0) is found here, with its own message, rather than failing every task.
  bwrap: () => run('bwrap', [...SANDBOX_PROBE_ARGS], 5000),
  unshare: probeUnshare,
};

export const INSTALL_HINT =
  'Install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap; ' +
  'Arch: sudo pacman -S bubblewrap) for the process engine, or install and start Docker or Podman. ' +
  "Without bubblewrap the process engine uses util-linux's unshare, setpriv and mount (installed on every mainstream distribution) " +
  'where the kernel lets users make namespaces. hyperp never runs jobs unsandboxed.';

export const USERNS_HINT =
  ' If bwrap or unshare is installed but may not make namespaces: Ubuntu 24.04 and later restrict unprivileged user namespaces ' +
  'through AppArmor (allow them for the program with an AppArmor profile, or sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0); ' +
  'elsewhere check the sysctls user.max_user_namespaces and kernel.unprivileged_userns_clone.';

/** How messages name a candidate. */
const LABEL: Readonly<Record<Candidate, string>> = {
  docker: 'docker', podman: 'podman', bwrap: `process (${SANDBOX_LABEL.bwrap})`, unshare: `process (${SANDBOX_LABEL.unshare})`,
};

/** The candidates of a choice, in order of preference. */
const candidates = (choice: EngineChoice): Candidate[] =>
  choice === 'auto' ? ['docker', 'podman', 'bwrap', 'unshare'] : choice === 'process' ? ['bwrap', 'unshare'] : [choice];

/** Other choices to suggest when `choice` does not work, with what each names. */
const alternatives = (choice: EngineChoice): { choice: EngineChoice; what: string; via: Candidate[] }[] => {
  const process = { choice: 'process' as const, what: 'the process engine', via: ['bwrap', 'unshare'] as Candidate[] };
  const containers = (['docker', 'podman'] as const).map((e) => ({ choice: e, what: `the ${e} engine`, via: [e] }));
  if (choice === 'bwrap') return [{ choice: 'unshare', what: `the process engine's ${SANDBOX_LABEL.unshare} sandbox`, via: ['unshare'] }, ...containers];
  if (choice === 'unshare') return [{ choice: 'bwrap', what: `the process engine's ${SANDBOX_LABEL.bwrap} sandbox`, via: ['bwrap'] }, ...containers];
  if (choice === 'process') return containers;
  return [...containers.filter((c) => c.choice !== choice), process];
};

export const detectEngine = async (choice: EngineChoice, probe: Record<Candidate, () => Promise<Probe>> = probes): Promise<Detected> => {
  const skipped: string[] = [];
  for (const c of candidates(choice)) {
    const p = await probe[c]();
    if (p.ok) return c === 'docker' || c === 'podman' ? { _tag: 'Detected', engine: c, skipped } : { _tag: 'Detected', engine: 'process', sandbox: c, skipped };
    skipped.push(`${LABEL[c]}: ${p.detail}`);
  }
  const why = skipped.join('; ');
  if (choice !== 'auto') {
    // The engine asked for does not work, but another does: say which, rather than how to install one.
    for (const other of alternatives(choice)) {
      for (const c of other.via) {
        if ((await probe[c]()).ok) {
          const or = other.choice === 'bwrap' || other.choice === 'unshare' ? 'process' : 'auto';
          return { _tag: 'NoEngine', message: `engine ${choice} cannot run jobs on this machine (${why}); ${other.what} works here: use --engine ${other.choice} (or --engine ${or})` };
        }
      }
    }
  }
  const sandboxes = skipped.filter((s) => s.startsWith('process ('));
  const userns = sandboxes.length > 0 && !sandboxes.every((s) => s.includes('is not installed')) ? USERNS_HINT : '';
  return {
    _tag: 'NoEngine',
    message: choice === 'auto'
      ? `no engine can run jobs on this machine (${why}). ${INSTALL_HINT}${userns}`
      : `engine ${choice} cannot run jobs on this machine (${why}). ${INSTALL_HINT}${userns}`,
  };
};
