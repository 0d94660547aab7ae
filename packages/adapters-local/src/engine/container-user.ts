/**
 * Who a docker or podman container runs as, and how that user writes the task's folders.
 *
 * The user is the task definition's `user` when it gives one, else the image's `USER` (ECS's
 * precedence); hyperp passes the task definition's to the engine as written (`--user`, as ECS
 * does) and resolves either itself, from the image's own /etc/passwd and /etc/group
 * (image-accounts.ts), to hand the task's secret files to that uid (0400) and to fail a name the
 * image does not know before anything starts, in Docker's words.
 *
 * Writing `/output`, `/shared/<name>` and the run's EFS folders: on Fargate any user writes them,
 * since the EFS access point forces its POSIX identity. A container's user is its own uid here,
 * so each writable folder (the run's own, made by hyperp) gets a group of hyperp's (`ShareGroup`)
 * with mode 2775 — group-writable, new entries keep the group, nobody else may write — and every
 * container gets that group as a supplementary one (`--group-add`). No folder is handed to a
 * job's uid (jobs of other users share `/shared/<name>` at once) and none is world-writable.
 */
import { closeSync, constants, fchmodSync, fchownSync, fstatSync, openSync } from 'node:fs';
import { resolveUser, startError, type ImageUser } from '../build/user.js';
import { capture } from './capture.js';
import { USERNS_BASE, USERNS_SIZE } from './container-args.js';
import { readImageAccounts, type ImageAccounts } from './image-accounts.js';

/** The group through which containers write their task's folders: its id inside the container and on the host. */
export interface ShareGroup {
  readonly container: number;
  readonly host: number;
}

/**
 * Host gid of the folders' group under rootful docker: just below rootful podman's range (no
 * account of the host has it; a container's gid is the host's under docker).
 */
export const DOCKER_SHARE_GID = USERNS_BASE - 1;

/**
 * The group for this engine: rootful docker a gid no host account has; rootful podman the last
 * gid of the containers' range; a non-root hyperp its own group (the only one it may give),
 * which rootless podman shows as the container's gid 0.
 */
export const shareGroup = (cli: 'docker' | 'podman', hostUid: number, hostGid: number, mapUsers: boolean): ShareGroup => {
  if (mapUsers) return { container: USERNS_SIZE - 1, host: USERNS_BASE + USERNS_SIZE - 1 };
  if (hostUid === 0) return { container: DOCKER_SHARE_GID, host: DOCKER_SHARE_GID };
  return cli === 'podman' ? { container: 0, host: hostGid } : { container: hostGid, host: hostGid };
};

/**
 * Gives the folder `path` (a run's own, made by hyperp) to `group`, mode 2775. Opened without
 * following a link, so nothing outside the run's folders is ever changed.
 */
export const shareFolder = (path: string, group: number): void => {
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    if (fstatSync(fd).gid !== group) fchownSync(fd, -1, group);
    fchmodSync(fd, 0o2775);
  } finally {
    closeSync(fd);
  }
};

export type Resolved = { readonly user: Pick<ImageUser, 'uid' | 'gid'> } | { readonly reason: string };

/** An image's id and USER, as the engine reports them. */
interface Inspected {
  readonly id: string;
  readonly user: string;
}

const inspect = async (cli: 'docker' | 'podman', imageRef: string): Promise<Inspected | undefined> => {
  const r = await capture(cli, ['image', 'inspect', '--format', '{{.Id}} {{json .Config.User}}', imageRef]);
  if (r.code !== 0) return undefined;
  const line = r.stdout.trim();
  const space = line.indexOf(' ');
  let user = '';
  try {
    const u: unknown = JSON.parse(line.slice(space + 1));
    if (typeof u === 'string') user = u;
  } catch { /* no USER */ }
  return { id: line.slice(0, space), user };
};

/**
 * Resolves containers' users, reading each image's account files once (by image id). Images of
 * hyperp's own `repository` are named by their content's key, so what `inspect` says of them is
 * kept too: a job of a hundred tasks asks the engine once.
 */
export const userResolver = (cli: 'docker' | 'podman', owner: string, repository: string) => {
  const accounts = new Map<string, Promise<ImageAccounts | { readonly error: string }>>();
  const inspected = new Map<string, Inspected>();
  return async (override: string | undefined, imageRef: string): Promise<Resolved | undefined> => {
    const image = inspected.get(imageRef) ?? await inspect(cli, imageRef);
    // An image the engine does not have: its create fails with the engine's own reason.
    if (image === undefined) return undefined;
    if (imageRef.startsWith(`${repository}:`)) inspected.set(imageRef, image);
    const spec = override ?? image.user;
    if (spec === '') return { user: { uid: 0, gid: 0 } };
    // "uid:gid" needs no file; anything else may (a name, a group name, a uid's primary group).
    let files: ImageAccounts | { readonly error: string } = {};
    if (!/^[0-9]+:[0-9]+$/.test(spec)) {
      if (!accounts.has(image.id)) accounts.set(image.id, readImageAccounts(cli, image.id, owner));
      files = await accounts.get(image.id)!;
    }
    if ('error' in files) {
      accounts.delete(image.id); // read again next time: the engine may have failed for a moment
      return { reason: `CannotStartContainerError: ${files.error}` };
    }
    const user = resolveUser(spec, files.passwd, files.group);
    return 'error' in user ? { reason: `CannotStartContainerError: ${startError(user)}` } : { user };
  };
};
