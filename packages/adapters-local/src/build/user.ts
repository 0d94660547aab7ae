/**
 * A container's user (an image's `USER`, or a task definition's `user`, which overrides it as
 * on ECS) as the uid and gid its command runs with, found as Docker finds them (moby's
 * `user.GetExecUser`): a name is looked up in `/etc/passwd` (its primary group too), a group
 * name in `/etc/group`; a uid absent from `/etc/passwd` runs with gid 0. Docker also sets HOME
 * to the user's home (`/` for a uid /etc/passwd does not list).
 *
 * The files come from the image, which a hostile repository writes: they are read only up to
 * MAX_ACCOUNT_FILE_BYTES, and a line that is not `name:password:uid:gid:…` with a plain decimal
 * id is skipped. Docker reads a malformed id as 0 (root); skipping it instead makes such a name
 * unknown, so an odd line never turns a user into root.
 */

export interface ImageUser {
  /** As written (the Dockerfile's USER after ARG/ENV substitution, or the task definition's `user`). */
  readonly spec: string;
  readonly uid: number;
  readonly gid: number;
  /** The user's home in /etc/passwd, else `/`: the HOME Docker gives the command. */
  readonly home: string;
}

/** A user database file and where it was read from, for messages ("the image's /etc/passwd"). */
export interface AccountFile {
  readonly text: string;
  readonly from: string;
}

/** Why a user could not be resolved; `unknown` when a name is in neither file (Docker's "unable to find user"). */
export interface UserError {
  readonly error: string;
  readonly unknown?: { readonly kind: 'user' | 'group'; readonly name: string };
}

/** The most of `/etc/passwd` or `/etc/group` hyperp reads (real ones are a few KiB). */
export const MAX_ACCOUNT_FILE_BYTES = 1 << 20;

const MAX_ID = 2 ** 31 - 1;

const numeric = (s: string): number | undefined => (/^[0-9]{1,10}$/.test(s) && Number(s) <= MAX_ID ? Number(s) : undefined);

export interface AccountEntry {
  readonly name: string;
  /** Field 3: the uid (passwd) or gid (group). */
  readonly id: number;
  /** Field 4 of passwd: the primary gid (0 when it is not a number). */
  readonly gid: number;
  readonly home: string;
}

/** `name:password:id:…` lines, in file order (the first of a name wins, as in Docker). */
export const accountEntries = (file: AccountFile | undefined): AccountEntry[] =>
  (file?.text ?? '').slice(0, MAX_ACCOUNT_FILE_BYTES).split('\n').flatMap((raw) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return [];
    const f = line.split(':');
    const id = numeric(f[2] ?? '');
    return f.length >= 3 && f[0] !== '' && id !== undefined ? [{ name: f[0]!, id, gid: numeric(f[3] ?? '') ?? 0, home: f[5] || '/' }] : [];
  });

export const resolveUser = (spec: string, passwd: AccountFile | undefined, group: AccountFile | undefined): ImageUser | UserError => {
  const [userPart, groupPart, ...rest] = spec.split(':');
  if (userPart === undefined || userPart === '' || rest.length > 0 || groupPart === '') return { error: `USER ${spec}: expected a user or uid, optionally followed by :group or :gid` };
  const users = accountEntries(passwd);
  const uidAsNumber = numeric(userPart);
  const known = uidAsNumber !== undefined ? users.find((u) => u.id === uidAsNumber) : users.find((u) => u.name === userPart);
  if (known === undefined && uidAsNumber === undefined) {
    return { error: `USER ${spec}: no user "${userPart}" in ${passwd?.from ?? 'any /etc/passwd'}`, unknown: { kind: 'user', name: userPart } };
  }
  const uid = uidAsNumber ?? known!.id;
  const home = known?.home ?? '/';
  if (groupPart === undefined) return { spec, uid, gid: known?.gid ?? 0, home };
  const gidAsNumber = numeric(groupPart);
  if (gidAsNumber !== undefined) return { spec, uid, gid: gidAsNumber, home };
  const g = accountEntries(group).find((e) => e.name === groupPart);
  if (g === undefined) return { error: `USER ${spec}: no group "${groupPart}" in ${group?.from ?? 'any /etc/group'}`, unknown: { kind: 'group', name: groupPart } };
  return { spec, uid, gid: g.id, home };
};

/**
 * Why a container's user cannot start it, worded as Docker (and ECS, which shows Docker's words)
 * says it when the container starts: `unable to find user app: no matching entries in passwd file`.
 */
export const startError = (e: UserError): string =>
  e.unknown === undefined ? `invalid user: ${e.error.replace(/^USER /, '')}`
    : `unable to find ${e.unknown.kind} ${e.unknown.name}: no matching entries in ${e.unknown.kind === 'user' ? 'passwd' : 'group'} file`;
