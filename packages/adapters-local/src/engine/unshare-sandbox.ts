/**
 * The util-linux sandbox: what runs a container where bubblewrap is missing, built only from
 * programs every mainstream distribution ships (`unshare`, `mount`, `pivot_root`, `chroot`,
 * `setsid`, `setpriv`, `env`), with the guarantees of the bubblewrap sandbox (sandbox.ts).
 *
 * `unshare` makes the namespaces (user — the user running hyperp as root of it —, mount, pid,
 * ipc, uts, cgroup, and network unless the job asks for it) and forks the sandbox's pid 1, a
 * `sh` running SETUP below. SETUP's text never changes: every path, name, size, environment
 * variable and argument comes from a hostile repository and reaches it only as a positional
 * argument, in records of three fields (`op a b`), never as shell code.
 *
 * Why two phases: once the image's files are in the new root, a program started there with a
 * capability could be the image's (a file laid over a host path, an `/etc/ld.so.preload`), and a
 * hostile image would hold the capability. So pid 1 first gives the new root the host's system
 * folders only and starts the job's process in it: a nested user namespace (the image's USER,
 * else root, is the user running hyperp), `chroot`, `setsid` (its own session), then `setpriv`
 * drops every capability in every set, sets no_new_privs and becomes a host `sh` that waits.
 * Only then, from a staging root the job never sees, pid 1's helper empties the new root again,
 * carries out the mount plan (`mount-plan.ts`: every mount point made fresh, nothing followed)
 * and lets the job go. No mount is made below a writable task mount (a folder other running
 * jobs can change while the sandbox is set up). The nested user namespace is the last one the
 * sandbox may make (`user.max_user_namespaces` 1 in its own), so no job gets a capability back;
 * pid 1 also brings the loopback interface up through sysfs.
 */
import type { MountOp } from './mount-plan.js';

/** The sandboxes the process engine runs a container in. */
export type SandboxName = 'bwrap' | 'unshare';

/** How people call each sandbox (headers, messages). */
export const SANDBOX_LABEL: Readonly<Record<SandboxName, string>> = { bwrap: 'bubblewrap', unshare: 'util-linux' };

/** One step of building the new root: `[op, a, b]` (see SETUP's `late`); `user`, `loopback` and `job` records too. */
export type SandboxOp = readonly [op: string, a: string, b: string];

/** PATH of the sandbox's own programs (never the job's: the job gets its image's). */
export const SANDBOX_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/** The job's side: waits for the mounts, then becomes the job with exactly its environment. */
const JOB = [
  'exec 3>&-',
  'read -r go <&4 || :',
  'exec 4<&-',
  '[ "$go" = go ] || exit 125',
  'cd -- "$1" 2>/dev/null || { printf "hyperp sandbox: cannot chdir to %s: No such file or directory\\n" "$1" >&2; exit 125; }',
  'shift',
  'exec env -i -- "$@"',
].join('\n');

/**
 * pid 1 of the sandbox. Arguments: a word (the watchdog's marker), the staging folder (empty,
 * made by hyperp), then records `op a b` up to `job WORKDIR -`, then the job's environment
 * (`NAME=value`) and command. Exit code 125: the sandbox could not be set up (the reason is on
 * stderr, in the task's log).
 */
export const SETUP = `set -u
PATH=${SANDBOX_PATH}; export PATH
fail() { printf 'hyperp sandbox: %s\\n' "$*" >&2; exit 125; }
number() { case $1 in ''|*[!0-9]*) fail "not a number: $1";; esac; }
clean() { case $1 in */../*|*/..|*/./*|*/.|*//*|/) fail "not a clean path: $1";; /*) ;; *) fail "not an absolute path: $1";; esac; }
stage=$2
JOB='${JOB}'
SYSTEM='usr bin sbin lib lib32 lib64 libx32'

# The host's system folders (and linker cache) in $1, read-only, for programs to run there.
system() {
  for d in $SYSTEM; do
    if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$1/$d"
    elif [ -d "/$d" ]; then mkdir "$1/$d" && mount -o bind,ro "/$d" "$1/$d" || fail "cannot bind /$d"; fi
  done
  mkdir -p "$1/etc"
  if [ -e /etc/ld.so.cache ]; then : > "$1/etc/ld.so.cache" && mount -o bind,ro /etc/ld.so.cache "$1/etc/ld.so.cache" || fail "cannot bind /etc/ld.so.cache"; fi
}
# Takes them out of the new root again, leaving it empty.
unsystem() {
  for d in $SYSTEM; do
    if [ -L "/newroot/$d" ]; then rm "/newroot/$d"
    elif [ -d "/newroot/$d" ]; then umount -l "/newroot/$d" && rmdir "/newroot/$d"; fi || fail "cannot empty the new root"
  done
  if [ -e /newroot/etc/ld.so.cache ]; then umount -l /newroot/etc/ld.so.cache && rm /newroot/etc/ld.so.cache; fi
  rmdir /newroot/etc || fail "cannot empty the new root"
}
loopback() {
  mkdir "$stage/sys" && mount -t sysfs sysfs "$stage/sys" 2>/dev/null || return 0
  printf 0x9 > "$stage/sys/class/net/lo/flags" 2>/dev/null
  umount "$stage/sys"
}
fresh() { if [ -e "$1" ] || [ -L "$1" ]; then fail "mount point $2 is already there"; fi; }
# Mount point $1 inside an earlier read-only mount: no part of it a link, each but the last a folder.
inside() {
  p=/newroot rest=\${1#/}
  while [ -n "$rest" ]; do
    p=$p/\${rest%%/*}
    case $rest in */*) rest=\${rest#*/};; *) rest=;; esac
    [ -L "$p" ] && fail "mount point $1 goes through a symbolic link"
    [ -n "$rest" ] && [ ! -d "$p" ] && fail "mount point $1 is not inside a folder"
  done
}
dev() {
  mkdir "$1" && mount -t tmpfs -o mode=0755,size=64k hyperp-dev "$1" || fail "cannot mount $2"
  for d in null zero full random urandom tty; do
    : > "$1/$d" && mount --bind "/oldroot/dev/$d" "$1/$d" || fail "cannot bind /dev/$d"
  done
  mkdir "$1/shm" "$1/pts"
  ln -s /proc/self/fd "$1/fd"; ln -s /proc/self/fd/0 "$1/stdin"; ln -s /proc/self/fd/1 "$1/stdout"; ln -s /proc/self/fd/2 "$1/stderr"
  ln -s pts/ptmx "$1/ptmx"
  mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$1/pts" 2>/dev/null || :
}

# In the staging root, once the job's process holds no capability: the mount plan, in order.
late() {
  exec 5</ready 6>/go
  read -r _ <&5 || :
  exec 5<&-
  unsystem
  while [ "$1" != job ]; do
    op=$1 a=$2 b=$3; shift 3
    [ "$op" = user ] && continue
    clean "$b"
    t=/newroot$b
    case $op in
      *-in) inside "$b" ;;
      *) fresh "$t" "$b" ;;
    esac
    case $op in
      dir) mkdir "$t" ;;
      symlink) ln -sT -- "$a" "$t" ;;
      tmpfs) number "$a"; mkdir "$t" && mount -t tmpfs -o "mode=1777,size=$a" tmpfs "$t" ;;
      proc) mkdir "$t" && mount -t proc proc "$t" ;;
      dev) dev "$t" "$b" ;;
      *bind-dir*) [ -d "/oldroot$a" ] && { [ -d "$t" ] || mkdir "$t"; } ;;
      *bind-file*) [ -f "/oldroot$a" ] && { [ -f "$t" ] || : > "$t"; } ;;
      *) fail "unknown operation $op" ;;
    esac || fail "cannot $op $b"
    case $op in
      ro-bind-*) mount -o bind,ro "/oldroot$a" "$t" ;;
      bind-*) mount --bind "/oldroot$a" "$t" ;;
    esac || fail "cannot $op $b"
  done
  umount -l /oldroot || fail "cannot detach the host's root"
  echo go >&6
}

run_job() {
  while [ "$1" != job ]; do
    [ "$1" = user ] && { number "$2"; number "$3"; uid=$2 gid=$3; }
    shift 3
  done
  wd=$2; shift 3
  # --map-root-user where it will do: --map-user and --map-group came with util-linux 2.38.
  if [ "$uid:$gid" = 0:0 ]; then m1=--map-root-user m2=--keep-caps; else m1=--map-user=$uid m2=--map-group=$gid; fi
  exec unshare --user "$m1" "$m2" --keep-caps -- chroot /newroot setsid setpriv --no-new-privs --inh-caps=-all --ambient-caps=-all --bounding-set=-all -- /bin/sh -c "$JOB" hyperp-job "$wd" "$@"
}

mount -t tmpfs -o mode=0755,size=1m hyperp-stage "$stage" || fail "cannot mount the staging folder"
mkdir "$stage/newroot" "$stage/oldroot" "$stage/proc" "$stage/dev"
mount -t tmpfs -o mode=0755 hyperp-root "$stage/newroot" || fail "cannot mount the new root"
: > "$stage/dev/null" && mount --bind /dev/null "$stage/dev/null" || fail "cannot bind /dev/null"
system "$stage"
system "$stage/newroot"
shift 2
if [ "$1" = loopback ]; then loopback; shift 3; fi
# One more user namespace (the job's own, above), then none.
echo 1 > /proc/sys/user/max_user_namespaces || fail "cannot limit user namespaces"
mount -t proc proc "$stage/proc" || fail "cannot mount /proc"
cd "$stage" && pivot_root . oldroot && cd / || fail "cannot change the root"
mkfifo /ready /go || fail "cannot make the job's fifos"
late "$@" &
( run_job "$@" ) 3>/ready 4</go
`;

/** Whether `path` is absolute with no empty, `.` or `..` part (SETUP refuses any other). */
const isClean = (path: string): boolean => path.startsWith('/') && path.slice(1).split('/').every((p) => p !== '' && p !== '.' && p !== '..');

export class SandboxPlanError extends Error {}

/**
 * The records of a mount plan. Refused: a path that is not clean, and a mount inside a
 * writable mount (a task volume inside /output or a shared folder: other running jobs can
 * change that folder while the sandbox makes its mount point there).
 */
export const unshareOps = (plan: readonly MountOp[]): SandboxOp[] => {
  const readOnly = new Map<string, boolean>();
  const ops = plan.map((op): SandboxOp => {
    if (!isClean(op.path)) throw new SandboxPlanError(`mount point ${JSON.stringify(op.path)} is not a clean absolute path`);
    switch (op._tag) {
      case 'Dir': return ['dir', '-', op.path];
      case 'Symlink': return ['symlink', op.target, op.path];
      case 'Proc': return ['proc', '-', op.path];
      case 'Dev': return ['dev', '-', op.path];
      case 'Tmpfs': return ['tmpfs', String(op.sizeBytes), op.path];
      case 'Bind': {
        readOnly.set(op.path, op.readOnly);
        if (op.under !== undefined && readOnly.get(op.under) !== true) {
          throw new SandboxPlanError(`mount point ${op.path} lies inside ${op.under}, a folder other tasks can change: the util-linux sandbox does not mount there (bubblewrap does: --engine bwrap)`);
        }
        return [`${op.readOnly ? 'ro-' : ''}bind-${op.kind}${op.under === undefined ? '' : '-in'}`, op.source, op.path];
      }
    }
  });
  return ops;
};

/**
 * The job's part of the arguments: its user (the image's USER, else root), working directory,
 * environment and command. `env` takes a leading `NAME=value` as a variable, so a command whose
 * name holds `=` runs through the image's `/bin/sh` (`exec "$@"`), which takes it as a command.
 */
export const jobArgs = (
  workdir: string, user: { readonly uid: number; readonly gid: number } | undefined, env: Readonly<Record<string, string>>, argv: readonly string[],
): string[] => [
  'user', String(user?.uid ?? 0), String(user?.gid ?? 0),
  'job', workdir, '-',
  ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
  ...((argv[0] ?? '').includes('=') ? ['/bin/sh', '-c', 'exec "$@"', 'sh'] : []),
  ...argv,
];

export interface UnshareCommand {
  /** `unshare`'s path. */
  readonly unshare: string;
  readonly network: boolean;
  readonly marker: string;
  /** An empty folder hyperp made for this sandbox: a tmpfs is mounted on it inside. */
  readonly stage: string;
  readonly ops: readonly SandboxOp[];
  readonly job: readonly string[];
}

/** The command line: unshare, then SETUP as pid 1 with the records as arguments. */
export const unshareCommand = (c: UnshareCommand): string[] => [
  c.unshare, '--user', '--map-root-user', '--mount', '--pid', '--fork', '--kill-child', '--ipc', '--uts', '--cgroup',
  ...(c.network ? [] : ['--net']),
  '--', '/bin/sh', '-c', SETUP, 'hyperp-sandbox', c.marker, c.stage,
  ...(c.network ? [] : ['loopback', '-', '-']),
  ...c.ops.flat(),
  ...c.job,
];
