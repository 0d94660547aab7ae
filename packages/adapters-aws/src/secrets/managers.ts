/**
 * Who may manage which repositories' secrets through the API (`hyperp secrets set|list|rm`):
 * the deployment's `hyperp:secretsManagers`, handed to the API as `HYPERP_SECRETS_MANAGERS`, a
 * list of `REPOS=PRINCIPAL` entries — `acme/calc=arn:aws:iam::123456789012:role/calc-admins`,
 * `acme/*=arn:…:user/ada`, `*=arn:…:role/platform`. Unset, every caller the API lets in (the CLI
 * user policy) manages every repository's secrets. The caller is the IAM identity that signed the
 * request (the Function URL's AWS_IAM auth); an assumed-role session is its role. Users and roles
 * are matched by account, kind and name: paths are left out, as an assumed-role ARN carries none.
 */

export interface SecretsManagerEntry {
  /** `owner/name`, `owner/*` or `*`, lower-cased. */
  readonly repos: string;
  /** `arn:{partition}:iam::{account}:{user|role}/{name}`, its path left out. */
  readonly principal: string;
}

const REPOS = /^(\*|[a-z0-9_.-]{1,100}\/(\*|[a-z0-9_.-]{1,100}))$/;
const IAM_PRINCIPAL = /^arn:([a-z-]+):iam::(\d{12}):(user|role)\/(?:[^,=\s]*\/)?([\w+=.@-]{1,128})$/;
const ASSUMED_ROLE = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,128})\/[^/\s]+$/;

/** `arn:…:iam::…:user|role/name` without its path; undefined for anything else. */
export const principalOf = (arn: string): string | undefined => {
  const iam = IAM_PRINCIPAL.exec(arn);
  if (iam) return `arn:${iam[1]}:iam::${iam[2]}:${iam[3]}/${iam[4]}`;
  const assumed = ASSUMED_ROLE.exec(arn);
  return assumed ? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}` : undefined;
};

/** Why an entry is not one, or undefined: the Pulumi program refuses such a stack before deploying. */
export const secretsManagerEntryProblem = (repos: string, principal: string): string | undefined => {
  if (!REPOS.test(repos.toLowerCase())) return `"${repos}" must be owner/name, owner/* or *`;
  if (!IAM_PRINCIPAL.test(principal)) return `"${principal}" must be an IAM user or role ARN (arn:aws:iam::<account>:user/<name> or :role/<name>)`;
  return undefined;
};

/** The entries of `HYPERP_SECRETS_MANAGERS`; one that is not an entry is an error naming it. */
export const parseSecretsManagers = (items: readonly string[]): SecretsManagerEntry[] =>
  items.map((item) => {
    const at = item.indexOf('=');
    const [repos, principal] = at < 0 ? [item, ''] : [item.slice(0, at), item.slice(at + 1)];
    const problem = secretsManagerEntryProblem(repos, principal);
    if (problem !== undefined) throw new Error(`HYPERP_SECRETS_MANAGERS: ${JSON.stringify(item)}: ${problem}`);
    return { repos: repos.toLowerCase(), principal: principalOf(principal)! };
  });

const reposMatch = (pattern: string, repo: string): boolean => {
  if (pattern === '*') return true;
  const [owner, name] = pattern.split('/');
  const [o, n] = repo.toLowerCase().split('/');
  return owner === o && (name === '*' || name === n);
};

/** Whether the caller may manage `repo`'s secrets: always when no entries are configured. */
export const mayManageSecrets = (entries: readonly SecretsManagerEntry[] | undefined, repo: string, callerArn: string | null): boolean => {
  if (entries === undefined || entries.length === 0) return true;
  const caller = callerArn === null ? undefined : principalOf(callerArn);
  return caller !== undefined && entries.some((e) => e.principal === caller && reposMatch(e.repos, repo));
};
