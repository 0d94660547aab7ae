/**
 * The `create` command line of one container for docker and podman (pure, so its shape is tested
 * without a daemon). What it enforces, and why where a choice was made:
 *  - no capability (`--cap-drop ALL`, root in the container too) and no new privileges (setuid
 *    programs and file capabilities give none), so no mount, no remount of a read-only bind;
 *  - its own pid, ipc, uts and mount namespaces (the engines' default) and network namespace
 *    (`--network none` unless the job asks for the network);
 *  - a user namespace where the engine gives one per container: rootless podman always; rootful
 *    podman through a fixed uid range far above those handed to people (`USERNS_BASE`). Docker's user namespace is the
 *    daemon's (`userns-remap`), never a container's: where the daemon has none, root in the
 *    container is uid 0 of the host, held by everything above;
 *  - the task definition's limits: memory with no swap on top, processes, a `/tmp` of its size;
 *  - an init as pid 1 (reaps orphans, passes SIGTERM on), as the process engine has;
 *  - host folders only as the task's own mounts, inputs read-only. The root file system stays
 *    writable, as on ECS (`readonlyRootFilesystem` defaults to false): it is the container's own
 *    copy-on-write layer, never a host path;
 *  - the task definition's `user` as `--user` (it overrides the image's USER, as on ECS), else
 *    the image's USER (no `--user`), and the group through which the container writes its
 *    task's folders (`--group-add`, see container-user.ts).
 */
import { ATTEMPT_LABEL, OWNER_LABEL } from './container-owner.js';
import type { ContainerLaunch } from './types.js';

/** First host uid and gid of rootful podman's user namespace: 0x70000000, clear of /etc/subuid ranges. */
export const USERNS_BASE = 1879048192;
export const USERNS_SIZE = 65536;

export interface CreateOptions {
  readonly cli: 'docker' | 'podman';
  readonly network: boolean;
  /** `hyperp.owner` label value (see container-owner.ts). */
  readonly owner: string;
  readonly attemptKey: string;
  /** Rootful podman: map the container's users to USERNS_BASE…. */
  readonly mapUsers: boolean;
  /** The container gid of the group that may write the task's folders (container-user.ts), where there is one. */
  readonly groupAdd?: number;
  /**
   * Rootful podman sets nofile and nproc to its own defaults (2^20, 2^22), which a root without
   * CAP_SYS_RESOURCE (a CI container) may not raise to: it gets this process's hard limits instead.
   */
  readonly rlimits?: { readonly nofile: number; readonly nproc: number };
}

/**
 * `--mount` is a CSV line: a path holding `,` (a job named `a,source=/etc`) would add fields of
 * its own. Quoted, as both engines read CSV, it stays one path.
 */
const csvField = (s: string): string => `"${s.replace(/"/g, '""')}"`;

export const containerCreateArgs = (name: string, c: ContainerLaunch, imageRef: string, o: CreateOptions): string[] => {
  const args = ['create', '--name', name, '--label', `${OWNER_LABEL}=${o.owner}`, '--label', `${ATTEMPT_LABEL}=${o.attemptKey}`];
  args.push('--stop-timeout', String(c.stopTimeoutSeconds), '--init');
  args.push('--cap-drop', 'ALL', '--security-opt', 'no-new-privileges');
  if (!o.network) args.push('--network', 'none');
  if (o.mapUsers) args.push('--uidmap', `0:${USERNS_BASE}:${USERNS_SIZE}`, '--gidmap', `0:${USERNS_BASE}:${USERNS_SIZE}`);
  if (c.user !== undefined) args.push('--user', c.user);
  if (o.groupAdd !== undefined) args.push('--group-add', String(o.groupAdd));
  const l = c.limits;
  args.push('--memory', `${l.memoryMiB}m`, '--memory-swap', `${l.memoryMiB}m`, '--pids-limit', String(l.pids));
  if (o.rlimits) args.push('--ulimit', `nofile=${o.rlimits.nofile}:${o.rlimits.nofile}`, '--ulimit', `nproc=${Math.min(l.pids, o.rlimits.nproc)}:${Math.min(l.pids, o.rlimits.nproc)}`);
  // Docker mounts a --tmpfs noexec by default; a job may run what it unpacked in /tmp, as on ECS.
  args.push('--tmpfs', `/tmp:rw,exec,nosuid,nodev,mode=1777,size=${l.tmpMiB}m`);
  for (const b of c.binds) {
    args.push('--mount', `type=bind,${csvField(`source=${b.host}`)},${csvField(`target=${b.sandbox}`)}${b.readOnly ? ',readonly' : ''}`);
  }
  for (const [k, v] of Object.entries(c.environment)) args.push('--env', `${k}=${v}`);
  if (c.workingDirectory) args.push('--workdir', c.workingDirectory);
  let command = c.command ? [...c.command] : [];
  if (c.entryPoint && c.entryPoint.length > 0) {
    // --entrypoint takes one program; the rest of an exec-form entryPoint leads the command.
    args.push('--entrypoint', c.entryPoint[0]!);
    command = [...c.entryPoint.slice(1), ...command];
  }
  args.push(imageRef, ...command);
  return args;
};
