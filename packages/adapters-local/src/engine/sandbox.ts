/**
 * The bubblewrap command line for one container of a task: the host's system directories
 * read-only (the process engine does not run RUN steps; the host provides python, node…), the
 * image's own files, the task's mounts, a /tmp of the container's size, and new namespaces for
 * everything — user, pid, ipc, uts, cgroup, mount, and the network unless the job asks for it.
 * The job holds no capability at all, also when hyperp runs as root (bubblewrap keeps them for
 * root unless told): so it cannot remount a read-only mount writable, nor make a namespace of
 * its own to regain them. It runs in its own session (no terminal to push input into), and
 * bubblewrap sets no-new-privileges (set-uid programs grant nothing). Pure: the caller spawns
 * these args (see `launcherArgs`).
 */
export interface Bind {
  readonly host: string;
  readonly sandbox: string;
  readonly readOnly: boolean;
}

export interface SandboxSpec {
  /** Top-level entries of the image's root (e.g. `app` → `<rootfs>/app` at `/app`). */
  readonly imageRoot: string;
  readonly imageTopLevel: readonly string[];
  readonly workdir: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly binds: readonly Bind[];
  readonly network: boolean;
  /** Size of the sandbox's /tmp (a tmpfs) in MiB. */
  readonly tmpMiB: number;
  /** A word in the command line by which hyperp's watchdog finds the sandbox (see `watchdog.ts`). */
  readonly marker: string;
}

/** Host directories shown read-only in every sandbox; image files never hide them. */
export const HOST_SYSTEM_DIRS = ['usr', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'] as const;

/** Host files a program commonly needs (dynamic linker cache, users, certificates, DNS). */
const HOST_ETC = [
  '/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/alternatives', '/etc/passwd', '/etc/group',
  '/etc/nsswitch.conf', '/etc/ssl', '/etc/ca-certificates', '/etc/pki', '/etc/localtime', '/etc/mime.types',
];
const HOST_NET_ETC = ['/etc/resolv.conf', '/etc/hosts'];

/** Image entries that would hide a host system directory are not shown (reported by the build). */
export const imageEntriesShown = (topLevel: readonly string[]): string[] =>
  topLevel.filter((e) => !(HOST_SYSTEM_DIRS as readonly string[]).includes(e) && e !== 'proc' && e !== 'dev' && e !== 'tmp');

export const bwrapArgs = (spec: SandboxSpec): string[] => {
  const args: string[] = ['--unshare-all'];
  if (spec.network) args.push('--share-net');
  // --unshare-all only tries a user namespace, and skips it for root: ask for one, and forbid more.
  args.push('--unshare-user', '--disable-userns', '--cap-drop', 'ALL', '--new-session', '--die-with-parent', '--clearenv', '--unsetenv', spec.marker);
  for (const d of HOST_SYSTEM_DIRS) args.push('--ro-bind-try', `/${d}`, `/${d}`);
  for (const f of [...HOST_ETC, ...(spec.network ? HOST_NET_ETC : [])]) args.push('--ro-bind-try', f, f);
  args.push('--proc', '/proc', '--dev', '/dev', '--size', String(spec.tmpMiB * 1024 * 1024), '--tmpfs', '/tmp', '--dir', '/root');
  for (const e of imageEntriesShown(spec.imageTopLevel)) args.push('--bind', `${spec.imageRoot}/${e}`, `/${e}`);
  for (const b of spec.binds) args.push(b.readOnly ? '--ro-bind' : '--bind', b.host, b.sandbox);
  for (const [k, v] of Object.entries(spec.env)) args.push('--setenv', k, v);
  args.push('--chdir', spec.workdir, '--', ...spec.argv);
  return args;
};

export interface Launcher {
  /** `setpriv` (util-linux) when installed: it arms the death signal before anything else runs. */
  readonly setpriv?: string;
  readonly bwrap: string;
  /** The pid of the hyperp process that spawns the launcher. */
  readonly parentPid: number;
  /** `cgroup.procs` files to join before bubblewrap starts (see `limits.ts`). */
  readonly cgroupProcs: readonly string[];
}

/**
 * What runs bubblewrap: `setpriv --pdeathsig KILL` arms SIGKILL for the moment hyperp dies, a
 * shell then checks that hyperp is still its parent (if hyperp died before the signal was
 * armed, it stops here), joins the container's cgroups, and becomes bubblewrap, whose
 * --die-with-parent passes the signal on to the sandbox. That covers every moment but one:
 * bubblewrap as root loses the signal while it sets up, which is what hyperp's watchdog
 * (`watchdog.ts`) covers. A launcher that has not yet become bubblewrap carries the marker in
 * its command line too, so the watchdog finds it at any stage.
 */
export const launcherArgs = (l: Launcher, args: readonly string[]): { file: string; args: string[] } => {
  const script = [
    '[ "$PPID" = "$1" ] || exit 125',
    'shift',
    'while [ "$1" != -- ]; do echo $$ > "$1" || { echo "hyperp: cannot join cgroup $1" >&2; exit 125; }; shift; done',
    'shift',
    'exec "$@"',
  ].join('\n');
  const sh = ['/bin/sh', '-c', script, 'hyperp-launch', String(l.parentPid), ...l.cgroupProcs, '--', l.bwrap, ...args];
  return l.setpriv ? { file: l.setpriv, args: ['--pdeathsig', 'KILL', '--', ...sh] } : { file: sh[0]!, args: sh.slice(1) };
};
