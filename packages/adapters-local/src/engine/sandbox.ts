/**
 * The bubblewrap command line for one container of a task: the host's system directories
 * read-only (the process engine does not run RUN steps; the host provides python, node…), the
 * image's own files laid over them, the task's mounts, a /tmp of the container's size, and new
 * namespaces for everything — user, pid, ipc, uts, cgroup, mount, and the network unless the job
 * asks for it. The file system is a mount plan (`mount-plan.ts`) of three layers, as Docker
 * stacks an image on its base: the host's, the image's, the task's.
 * The job holds no capability at all, also when hyperp runs as root (bubblewrap keeps them for
 * root unless told): so it cannot remount a read-only mount writable, nor make a namespace of
 * its own to regain them. It runs in its own session (no terminal to push input into), and
 * bubblewrap sets no-new-privileges (set-uid programs grant nothing). The caller spawns these
 * args (see `launcherArgs`).
 */
import { HIDDEN_ROOT, planMounts, virtualDir, type LayerNode, type MountOp, type Reach } from './mount-plan.js';
import { hostKind, listDir, type TreeEntry } from './tree-reader.js';

export interface Bind {
  readonly host: string;
  readonly sandbox: string;
  readonly readOnly: boolean;
}

export interface SandboxSpec {
  /** The host folder holding the image's files at their paths (e.g. `<imageRoot>/app` → `/app`). */
  readonly imageRoot: string;
  readonly workdir: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly binds: readonly Bind[];
  readonly network: boolean;
  /** Size of the sandbox's /tmp (a tmpfs) in MiB. */
  readonly tmpMiB: number;
  /** A word in the command line by which hyperp's watchdog finds the sandbox (see `watchdog.ts`). */
  readonly marker: string;
  /** The image's USER; absent: root. Either maps to the host user running hyperp (see docs/local.md). */
  readonly user?: { readonly uid: number; readonly gid: number };
}

/** How the plan reads folders: the file system, or a test's. */
export interface SandboxFs {
  /** A folder's entries, lstat'ed (links as links). */
  readonly list: (dir: string) => readonly TreeEntry[];
  /** A host system path's kind once its links are resolved, if it is there. */
  readonly hostKind: (path: string) => 'dir' | 'file' | undefined;
}

const realFs: SandboxFs = { list: listDir, hostKind };

/** Host directories shown read-only in every sandbox, under the image's files. */
export const HOST_SYSTEM_DIRS = ['usr', 'bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'] as const;

/** Host files a program commonly needs (dynamic linker cache, users, certificates, DNS). */
const HOST_ETC = [
  'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'alternatives', 'passwd', 'group',
  'nsswitch.conf', 'ssl', 'ca-certificates', 'pki', 'localtime', 'mime.types',
];
const HOST_NET_ETC = ['resolv.conf', 'hosts'];

const byName = (entries: Iterable<readonly [string, LayerNode]>): ReadonlyMap<string, LayerNode> => new Map(entries);

/**
 * A folder of a layer bound from `source`, its entries read only when another layer holds it
 * too. A host folder is also reachable below HIDDEN_ROOT, in a bind of its top system folder
 * (`top`), so that links into it resolve as the host's own paths do (python finds its library
 * beside its program).
 */
const treeDir = (fs: SandboxFs, source: string, readOnly: boolean, top?: string): LayerNode => ({
  _tag: 'Dir',
  bind: { source, readOnly },
  ...(top === undefined ? {} : { reach: { path: `${HIDDEN_ROOT}${source}`, mount: { source: top, path: `${HIDDEN_ROOT}${top}` } } satisfies Reach }),
  children: () => byName(fs.list(source).flatMap((e): [string, LayerNode][] => {
    const p = `${source}/${e.name}`;
    if (e.kind === 'dir') return [[e.name, treeDir(fs, p, readOnly, top)]];
    if (e.kind === 'file') return [[e.name, { _tag: 'Opaque', op: { _tag: 'Bind', source: p, kind: 'file', readOnly } }]];
    if (e.kind === 'link') return [[e.name, { _tag: 'Opaque', op: { _tag: 'Symlink', target: e.target } }]];
    return []; // devices, FIFOs and sockets are never shown
  })),
});

/** A host path shown read-only at the same path (links resolved as the host has them). */
const hostPath = (fs: SandboxFs, path: string): [string, LayerNode][] => {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const kind = fs.hostKind(path);
  if (kind === 'dir') return [[name, treeDir(fs, path, true, path)]];
  if (kind === 'file') return [[name, { _tag: 'Opaque', op: { _tag: 'Bind', source: path, kind: 'file', readOnly: true } }]];
  return [];
};

const hostLayer = (fs: SandboxFs, network: boolean): LayerNode => virtualDir(byName([
  ...HOST_SYSTEM_DIRS.flatMap((d) => hostPath(fs, `/${d}`)),
  ['etc', virtualDir(byName([...HOST_ETC, ...(network ? HOST_NET_ETC : [])].flatMap((f) => hostPath(fs, `/etc/${f}`))))],
  ['root', virtualDir(new Map())],
]));

/** The image's files: its root's entries, each bound writable (the image root is a private copy). */
const imageLayer = (fs: SandboxFs, root: string): LayerNode => {
  const top = treeDir(fs, root, false);
  return { _tag: 'Dir', children: top._tag === 'Dir' ? top.children : () => new Map() };
};

/** A runtime mount, and mounts the task asked for below it (a volume inside another). */
interface RuntimeMount { op: Extract<LayerNode, { _tag: 'Opaque' }>['op']; over: { rel: string; op: RuntimeMount['op'] }[] }
type RuntimeTree = Map<string, RuntimeMount | RuntimeTree>;

const segments = (p: string): string[] => p.split('/').filter((s) => s !== '' && s !== '.');

/** Every mount below `tree`, with its path relative to it, in the order they were asked for. */
const flatten = (tree: RuntimeTree, prefix: string): RuntimeMount['over'] =>
  [...tree].flatMap(([name, n]) => {
    const rel = prefix === '' ? name : `${prefix}/${name}`;
    return n instanceof Map ? flatten(n, rel) : [{ rel, op: n.op }, ...n.over.map((o) => ({ rel: `${rel}/${o.rel}`, op: o.op }))];
  });

/** Adds a mount at `path`: a later one at the same path replaces the earlier, as a later mount would hide it. */
const addMount = (tree: RuntimeTree, path: string, op: RuntimeMount['op']): void => {
  const segs = segments(path);
  if (segs.length === 0 || segs.includes('..')) return;
  let at: RuntimeTree = tree;
  for (const [i, s] of segs.entries()) {
    const n = at.get(s);
    if (i === segs.length - 1) {
      at.set(s, { op, over: n === undefined ? [] : n instanceof Map ? flatten(n, '') : n.over });
      return;
    }
    if (n instanceof Map) at = n;
    else if (n === undefined) at.set(s, (at = new Map()));
    else {
      n.over.push({ rel: segs.slice(i + 1).join('/'), op });
      return;
    }
  }
};

const runtimeNode = (n: RuntimeMount | RuntimeTree): LayerNode =>
  n instanceof Map
    ? virtualDir(byName([...n].map(([name, c]) => [name, runtimeNode(c)] as const)))
    : { _tag: 'Opaque', op: n.op, over: n.over };

const runtimeLayer = (spec: SandboxSpec): LayerNode => {
  const tree: RuntimeTree = new Map();
  addMount(tree, '/proc', { _tag: 'Proc' });
  addMount(tree, '/dev', { _tag: 'Dev' });
  addMount(tree, '/tmp', { _tag: 'Tmpfs', sizeBytes: spec.tmpMiB * 1024 * 1024 });
  for (const b of spec.binds) addMount(tree, b.sandbox, { _tag: 'Bind', source: b.host, kind: 'dir', readOnly: b.readOnly });
  return runtimeNode(tree);
};

/** The sandbox's file system: the host's system folders, the image over them, the task's mounts on top. */
export const sandboxMounts = (spec: SandboxSpec, fs: SandboxFs = realFs): MountOp[] =>
  planMounts([hostLayer(fs, spec.network), imageLayer(fs, spec.imageRoot), runtimeLayer(spec)]);

/** bubblewrap's arguments for a mount plan. */
export const bwrapMountArgs = (plan: readonly MountOp[]): string[] =>
  plan.flatMap((op): string[] => {
    switch (op._tag) {
      case 'Dir': return ['--dir', op.path];
      case 'Bind': return [op.readOnly ? '--ro-bind' : '--bind', op.source, op.path];
      case 'Symlink': return ['--symlink', op.target, op.path];
      case 'Proc': return ['--proc', op.path];
      case 'Dev': return ['--dev', op.path];
      // World-writable with the sticky bit, as a container's /tmp (docker's --tmpfs mode=1777).
      case 'Tmpfs': return ['--perms', '1777', '--size', String(op.sizeBytes), '--tmpfs', op.path];
    }
  });

export const bwrapArgs = (spec: SandboxSpec, fs: SandboxFs = realFs): string[] => {
  const args: string[] = ['--unshare-all'];
  if (spec.network) args.push('--share-net');
  // --unshare-all only tries a user namespace, and skips it for root: ask for one, and forbid more.
  args.push('--unshare-user', '--disable-userns', '--cap-drop', 'ALL', '--new-session', '--die-with-parent', '--clearenv', '--unsetenv', spec.marker);
  if (spec.user !== undefined) args.push('--uid', String(spec.user.uid), '--gid', String(spec.user.gid));
  args.push(...bwrapMountArgs(sandboxMounts(spec, fs)));
  for (const [k, v] of Object.entries(spec.env)) args.push('--setenv', k, v);
  args.push('--chdir', spec.workdir, '--', ...spec.argv);
  return args;
};

export interface Launcher {
  /** `setpriv` (util-linux) when installed: it arms the death signal before anything else runs. */
  readonly setpriv?: string;
  /** The pid of the hyperp process that spawns the launcher. */
  readonly parentPid: number;
  /** `cgroup.procs` files to join before the sandbox starts (see `limits.ts`). */
  readonly cgroupProcs: readonly string[];
}

/**
 * What runs a sandbox (`command`: bubblewrap's, or unshare's, see unshare-sandbox.ts): `setpriv
 * --pdeathsig KILL` arms SIGKILL for the moment hyperp dies, a shell then checks that hyperp is
 * still its parent (if hyperp died before the signal was armed, it stops here), joins the
 * container's cgroups, and becomes the sandbox: bubblewrap, whose --die-with-parent passes the
 * signal on, or unshare, whose --kill-child kills the sandbox's pid 1 (and so all of it). That
 * covers every moment but one: bubblewrap as root loses the signal while it sets up, and
 * unshare's pid 1 has none until it arms it, which is what hyperp's watchdog (`watchdog.ts`)
 * covers. A launcher that has not yet become the sandbox carries the marker in its command line
 * too, so the watchdog finds it at any stage.
 */
export const launcherArgs = (l: Launcher, command: readonly string[]): { file: string; args: string[] } => {
  const script = [
    '[ "$PPID" = "$1" ] || exit 125',
    'shift',
    'while [ "$1" != -- ]; do echo $$ > "$1" || { echo "hyperp: cannot join cgroup $1" >&2; exit 125; }; shift; done',
    'shift',
    'exec "$@"',
  ].join('\n');
  const sh = ['/bin/sh', '-c', script, 'hyperp-launch', String(l.parentPid), ...l.cgroupProcs, '--', ...command];
  return l.setpriv ? { file: l.setpriv, args: ['--pdeathsig', 'KILL', '--', ...sh] } : { file: sh[0]!, args: sh.slice(1) };
};
