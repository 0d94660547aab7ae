/**
 * An image's `USER` as the uid and gid its command runs with, found as Docker finds them
 * (moby's `user.GetExecUser`): a name is looked up in `/etc/passwd` (its primary group too), a
 * group name in `/etc/group`; a uid absent from `/etc/passwd` runs with gid 0. The files are the
 * image's own where it holds them, else the host's (the process engine shows the host's), and a
 * name neither knows is an error at build time, where Docker fails when the container starts.
 * Docker also sets HOME to the user's home (`/` for a uid /etc/passwd does not list).
 */

export interface ImageUser {
  /** As written in the Dockerfile (after ARG/ENV substitution). */
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

const MAX_ID = 2 ** 31 - 1;

const numeric = (s: string): number | undefined => (/^[0-9]+$/.test(s) && Number(s) <= MAX_ID ? Number(s) : undefined);

/** `name:password:id:…` lines as name → [field 3, field 4]. */
const entries = (file: AccountFile | undefined): { name: string; id: number; gid: number; home: string }[] =>
  (file?.text ?? '').split('\n').flatMap((line) => {
    const f = line.split(':');
    const id = numeric(f[2] ?? '');
    return f.length >= 3 && f[0] !== '' && id !== undefined ? [{ name: f[0]!, id, gid: numeric(f[3] ?? '') ?? 0, home: f[5] || '/' }] : [];
  });

export const resolveUser = (spec: string, passwd: AccountFile | undefined, group: AccountFile | undefined): ImageUser | { readonly error: string } => {
  const [userPart, groupPart, ...rest] = spec.split(':');
  if (userPart === undefined || userPart === '' || rest.length > 0 || groupPart === '') return { error: `USER ${spec}: expected a user or uid, optionally followed by :group or :gid` };
  const users = entries(passwd);
  const uidAsNumber = numeric(userPart);
  const known = uidAsNumber !== undefined ? users.find((u) => u.id === uidAsNumber) : users.find((u) => u.name === userPart);
  if (known === undefined && uidAsNumber === undefined) {
    return { error: `USER ${spec}: no user "${userPart}" in ${passwd?.from ?? 'any /etc/passwd'}` };
  }
  const uid = uidAsNumber ?? known!.id;
  const home = known?.home ?? '/';
  if (groupPart === undefined) return { spec, uid, gid: known?.gid ?? 0, home };
  const gidAsNumber = numeric(groupPart);
  if (gidAsNumber !== undefined) return { spec, uid, gid: gidAsNumber, home };
  const g = entries(group).find((e) => e.name === groupPart);
  if (g === undefined) return { error: `USER ${spec}: no group "${groupPart}" in ${group?.from ?? 'any /etc/group'}` };
  return { spec, uid, gid: g.id, home };
};
