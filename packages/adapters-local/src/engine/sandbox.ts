/**
 * The bubblewrap command line for one container of a task: the host's system directories
 * read-only (the process engine does not run RUN steps; the host provides python, node…), the
 * image's own files, the task's mounts, an empty /tmp, and new namespaces for everything —
 * the network too unless the job asks for it. Pure: the caller spawns `bwrap` with these args.
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
  args.push('--die-with-parent', '--clearenv');
  for (const d of HOST_SYSTEM_DIRS) args.push('--ro-bind-try', `/${d}`, `/${d}`);
  for (const f of [...HOST_ETC, ...(spec.network ? HOST_NET_ETC : [])]) args.push('--ro-bind-try', f, f);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--dir', '/root');
  for (const e of imageEntriesShown(spec.imageTopLevel)) args.push('--bind', `${spec.imageRoot}/${e}`, `/${e}`);
  for (const b of spec.binds) args.push(b.readOnly ? '--ro-bind' : '--bind', b.host, b.sandbox);
  for (const [k, v] of Object.entries(spec.env)) args.push('--setenv', k, v);
  args.push('--chdir', spec.workdir, '--', ...spec.argv);
  return args;
};
