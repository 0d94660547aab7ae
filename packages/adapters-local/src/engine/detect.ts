/**
 * Which engine runs jobs here. `auto` prefers docker, then podman (real images), then the
 * process engine (bubblewrap). A binary on the PATH is not enough: docker's client is often
 * installed without a running daemon, and bwrap can be forbidden to make namespaces, so each
 * candidate is probed by doing the smallest real thing. Without any, hyperp says how to get one
 * and runs nothing: jobs never run unsandboxed.
 */
import { spawn } from 'node:child_process';
import type { EngineName } from './types.js';

/** The smallest sandbox with every option a task's sandbox uses. */
export const SANDBOX_PROBE_ARGS = [
  '--unshare-all', '--unshare-user', '--disable-userns', '--cap-drop', 'ALL', '--new-session', '--die-with-parent',
  '--ro-bind', '/', '/', '--perms', '1777', '--size', '1048576', '--tmpfs', '/tmp', '--', 'true',
] as const;

export type EngineChoice = 'auto' | EngineName;

export interface Probe {
  readonly ok: boolean;
  /** Why it is unusable (missing binary, daemon down, namespaces refused), for messages. */
  readonly detail: string;
}

export type Detected =
  | { readonly _tag: 'Detected'; readonly engine: EngineName; readonly skipped: readonly string[] }
  | { readonly _tag: 'NoEngine'; readonly message: string };

const run = (file: string, args: readonly string[], timeoutMs: number): Promise<Probe> =>
  new Promise((resolve) => {
    let err = '';
    const child = spawn(file, [...args], { stdio: ['ignore', 'ignore', 'pipe'] });
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

/** The probes, one per engine; tests replace them. */
export const probes: Record<EngineName, () => Promise<Probe>> = {
  // `info` waits for the daemon, and podman's for its storage lock, which a busy podman (another
  // run's containers starting) holds for seconds: a short wait would fail a working engine.
  docker: () => run('docker', ['info', '--format', '{{.ServerVersion}}'], DAEMON_PROBE_MS),
  podman: () => run('podman', ['info', '--format', '{{.Version.Version}}'], DAEMON_PROBE_MS),
  // The options every sandbox uses (sandbox.ts): a bwrap too old for one of them (--disable-userns
  // came in 0.8.0) is found here, with its own message, rather than failing every task.
  process: () => run('bwrap', [...SANDBOX_PROBE_ARGS], 5000),
};

export const INSTALL_HINT =
  'Install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap; ' +
  'Arch: sudo pacman -S bubblewrap) for the process engine, or install and start Docker or Podman. ' +
  'hyperp never runs jobs unsandboxed.';

export const detectEngine = async (choice: EngineChoice, probe: Record<EngineName, () => Promise<Probe>> = probes): Promise<Detected> => {
  const order: EngineName[] = choice === 'auto' ? ['docker', 'podman', 'process'] : [choice];
  const skipped: string[] = [];
  for (const name of order) {
    const p = await probe[name]();
    if (p.ok) return { _tag: 'Detected', engine: name, skipped };
    skipped.push(`${name}: ${p.detail}`);
  }
  const why = skipped.join('; ');
  if (choice !== 'auto') {
    // The engine asked for does not work, but another does: say which, rather than how to install one.
    for (const other of (['docker', 'podman', 'process'] as const).filter((e) => e !== choice)) {
      if ((await probe[other]()).ok) {
        return { _tag: 'NoEngine', message: `engine ${choice} cannot run jobs on this machine (${why}); the ${other} engine works here: use --engine ${other} (or --engine auto)` };
      }
    }
  }
  const userns = skipped.some((s) => s.startsWith('process:') && !s.includes('not installed'))
    ? ' If bwrap is installed but may not create namespaces, allow unprivileged user namespaces (e.g. sysctl kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 24.04, or an AppArmor profile for bwrap).'
    : '';
  return {
    _tag: 'NoEngine',
    message: choice === 'auto'
      ? `no engine can run jobs on this machine (${why}). ${INSTALL_HINT}${userns}`
      : `engine ${choice} cannot run jobs on this machine (${why}). ${INSTALL_HINT}${userns}`,
  };
};
