/**
 * The checks of what runs jobs on this machine: Node, git, each engine and sandbox (probed by
 * doing the smallest real thing, as `hyperp run` chooses its engine), user namespaces, and the
 * cgroup limits the process engine can enforce.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectCgroups, probes, unenforced, type Candidate, type EngineChoice, type Probe } from '@hyperp/adapters-local';
import { cliPackage } from '../package-dir.js';
import { missing, ok, type Check } from './check.js';

/** The Node.js version hyperp needs: the CLI package's `engines.node` (`>=20.19.0`), else 20. */
const minNode = (): readonly number[] => {
  try {
    const pkg = JSON.parse(readFileSync(join(cliPackage().dir, 'package.json'), 'utf8')) as { engines?: { node?: string } };
    const m = />=\s*v?(\d+(?:\.\d+){0,2})/.exec(pkg.engines?.node ?? '');
    return m ? m[1]!.split('.').map(Number) : [20];
  } catch {
    return [20];
  }
};

/** `a` is at least `b`, part by part (missing parts are 0). */
const atLeast = (a: readonly number[], b: readonly number[]): boolean => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};

export const nodeCheck = (version: string = process.versions.node): Check => {
  const need = minNode();
  const needText = need.join('.');
  return atLeast(version.split('.').map(Number), need)
    ? ok('node', `v${version} (hyperp needs ${needText} or later)`, true)
    : missing('node', `v${version} is older than hyperp needs (${needText} or later)`, `install Node.js ${needText} or later (https://nodejs.org/en/download, or your distribution's nodejs package)`, true);
};

export const gitCheck = (needed: boolean): Promise<Check> =>
  new Promise((resolve) => {
    execFile('git', ['--version'], { timeout: 10_000 }, (err, stdout) => {
      resolve(err
        ? missing('git', (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed' : `git --version failed: ${err.message}`,
          'install git (Debian/Ubuntu: sudo apt-get install git; Fedora: sudo dnf install git; Arch: sudo pacman -S git); hyperp reads workflows and records commits with it', needed)
        : ok('git', stdout.trim(), needed));
    });
  });

const USERNS_FIX =
  'allow unprivileged user namespaces: on Ubuntu 24.04 and later sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0 (or an AppArmor profile for the program); '
  + 'elsewhere sudo sysctl user.max_user_namespaces=15000 and, on older Debian, kernel.unprivileged_userns_clone=1';

/** How to fix each candidate, by whether it is missing or installed but not working. */
const FIXES: Readonly<Record<Candidate, { readonly install: string; readonly broken: string }>> = {
  docker: {
    install: 'install Docker Engine and start it (https://docs.docker.com/engine/install/; Debian/Ubuntu: sudo apt-get install docker.io)',
    broken: 'start the Docker daemon (sudo systemctl start docker) and let your user reach it (sudo usermod -aG docker "$USER", then log in again)',
  },
  podman: {
    install: 'install Podman (Debian/Ubuntu: sudo apt-get install podman; Fedora: sudo dnf install podman)',
    broken: 'run podman info to see why; rootless podman needs entries for your user in /etc/subuid and /etc/subgid',
  },
  bwrap: {
    install: 'install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap)',
    broken: `bubblewrap 0.8 or later is needed (--disable-userns); if it is, ${USERNS_FIX}`,
  },
  unshare: {
    install: "install util-linux (Debian/Ubuntu: sudo apt-get install util-linux; every mainstream distribution ships it)",
    broken: USERNS_FIX,
  },
};

const LABEL: Readonly<Record<Candidate, string>> = { docker: 'docker', podman: 'podman', bwrap: 'bubblewrap', unshare: 'util-linux' };
const WHAT: Readonly<Record<Candidate, string>> = {
  docker: 'the docker engine: the daemon answers',
  podman: 'the podman engine: podman info answers',
  bwrap: "the process engine's bubblewrap sandbox works",
  unshare: "the process engine's util-linux sandbox (unshare, setpriv, mount) works",
};

const CANDIDATES: readonly Candidate[] = ['docker', 'podman', 'bwrap', 'unshare'];

/** The candidates an `--engine` choice may use, in the order `hyperp run` tries them. */
const candidatesOf = (choice: EngineChoice): readonly Candidate[] =>
  choice === 'auto' ? CANDIDATES : choice === 'process' ? ['bwrap', 'unshare'] : [choice];

const candidateCheck = (c: Candidate, p: Probe): Check =>
  p.ok ? ok(LABEL[c], WHAT[c]) : missing(LABEL[c], p.detail, p.detail.endsWith('is not installed') ? FIXES[c].install : FIXES[c].broken);

/**
 * One line per engine and sandbox, then `engine`: whether the choice has one that works (what
 * local mode needs). The probes run at once: docker's may wait for a slow daemon.
 */
export const engineChecks = async (choice: EngineChoice, needed: boolean, probe: Record<Candidate, () => Promise<Probe>> = probes): Promise<Check[]> => {
  const results = await Promise.all(CANDIDATES.map(async (c) => [c, await probe[c]()] as const));
  const lines = results.map(([c, p]) => candidateCheck(c, p));
  const usable = candidatesOf(choice);
  const first = results.find(([c, p]) => p.ok && usable.includes(c))?.[0];
  const name = `engine ${choice}`;
  const verdict = first !== undefined
    ? ok(name, `hyperp run${choice === 'auto' ? '' : ` --engine ${choice}`} uses ${first === 'docker' || first === 'podman' ? first : `the process engine (${LABEL[first]} sandbox)`}`, needed)
    : missing(name, `${choice === 'auto' ? 'no engine' : `engine ${choice}`} can run jobs here (hyperp never runs them unsandboxed)`,
      choice === 'auto' || choice === 'process'
        ? `${FIXES.bwrap.install}, or install Docker or Podman (see their lines)`
        : `see the ${usable.map((c) => LABEL[c]).join(' and ')} line above`, needed);
  return [...lines, verdict];
};

const sysctl = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** Whether the kernel lets users make the namespaces both sandboxes need (the probes above are the proof; this says why). */
export const namespacesCheck = (read: (path: string) => string | undefined = sysctl): Check => {
  if (read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1') {
    return missing('user namespaces', 'AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)', USERNS_FIX);
  }
  const max = read('/proc/sys/user/max_user_namespaces');
  if (max === '0') return missing('user namespaces', 'user.max_user_namespaces is 0', USERNS_FIX);
  if (read('/proc/sys/kernel/unprivileged_userns_clone') === '0') return missing('user namespaces', 'kernel.unprivileged_userns_clone is 0', USERNS_FIX);
  return ok('user namespaces', `allowed${max === undefined ? '' : ` (user.max_user_namespaces ${max})`}`);
};

/**
 * The limits the process engine can enforce with cgroups. Not needed: a run goes on without
 * them and says so. (Finding out is what a run does: on cgroup v2 it enables the memory and pids
 * controllers in the delegated folder, as the first run would.)
 */
export const cgroupCheck = (): Check => {
  const host = detectCgroups();
  const not = unenforced(host);
  return not.length === 0
    ? ok('cgroup limits', `the process engine enforces memory and process count (cgroup v${host.version})`)
    : missing('cgroup limits', `the process engine cannot enforce ${not.join(', ')}; runs go on without them and say so`,
      'run hyperp where it may make cgroups: as root on cgroup v1, or with cgroup v2 in a systemd user session (its user@.service subtree is delegated: systemd-run --user --scope hyperp run …)');
};
