/**
 * Repositories' secrets in Secrets Manager, one secret per repository and name:
 * `{prefix}/{owner}/{repo}/{name}` (docs/secrets.md). Owner and repository are lower-cased,
 * because GitHub names them case-insensitively: `--repo Acme/Calc` and a push to `acme/calc`
 * mean the same secrets. The secret's name keeps its case, as the workflow declares it.
 *
 * Every value is encrypted with the deployment's own KMS key (`HYPERP_SECRETS_KEY_ARN`): a new
 * secret is created under it, and a value is set with UpdateSecret naming it, which also moves a
 * secret made before the deployment had its key onto it — the new version is encrypted with the
 * key, and Secrets Manager re-encrypts the AWSCURRENT and AWSPREVIOUS versions with it (Secrets
 * Manager User Guide, "Change the encryption key for a secret"; API Reference "UpdateSecret",
 * KmsKeyId; read 2026-12). PutSecretValue takes no key, so it would leave such a secret where it was.
 *
 * Errors each call may answer (Secrets Manager API Reference "CreateSecret", "PutSecretValue",
 * "DeleteSecret", "ListSecrets", and "Common Errors", read 2026-12): ResourceNotFoundException,
 * ResourceExistsException, InvalidRequestException (among others: a secret scheduled for
 * deletion), InvalidParameterException, LimitExceededException, EncryptionFailure (the key is
 * disabled, pending deletion or not usable), InternalServiceError, AccessDeniedException,
 * ThrottlingException; UpdateSecret the same.
 */
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  ListSecretsCommand,
  UpdateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { secretNameProblem } from '@hyperp/core/internal';
import { awsCall, awsFailureAnswer, HttpError } from '../api/aws-answers.js';

export type SecretsClient = Pick<SecretsManagerClient, 'send'>;

/** A GitHub owner and repository name; never `.` or `..`, which would change a secret's path. */
const OWNER_REPO = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;
/** Secrets Manager's largest SecretString (API Reference "PutSecretValue", read 2026-12). */
export const SECRET_VALUE_MAX_BYTES = 65_536;

export const checkRepo = (repo: string): string => {
  if (!OWNER_REPO.test(repo) || repo.split('/').some((p) => p === '.' || p === '..')) {
    throw new HttpError(400, `"repo" must be owner/name of a GitHub repository; got ${JSON.stringify(repo)}`);
  }
  return repo.toLowerCase();
};

export const checkName = (name: string): string => {
  const why = secretNameProblem(name);
  if (why !== undefined) throw new HttpError(400, `secret name ${JSON.stringify(name)}: ${why}`);
  return name;
};

/** The folder of a repository's secrets, ending in `/`. */
export const repositorySecretsPrefix = (prefix: string, repo: string): string => `${prefix}/${checkRepo(repo)}/`;

export const repositorySecretId = (prefix: string, repo: string, name: string): string =>
  `${repositorySecretsPrefix(prefix, repo)}${checkName(name)}`;

export interface SecretListing {
  readonly name: string;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);
const nameOf = (e: unknown): string => String((e as { name?: unknown })?.name ?? '');

/** A failure to encrypt with the deployment's key says which key, and what to look at. */
const keyFailure = (call: string, keyId: string, e: unknown): HttpError | undefined =>
  nameOf(e) === 'EncryptionFailure'
    ? new HttpError(502, `${call} cannot encrypt with the deployment's key ${keyId} (${nameOf(e)}: ${(e as Error).message}); check that it is enabled and not pending deletion: aws kms describe-key --key-id ${keyId}`)
    : undefined;

/** `keyId`: the deployment's KMS key (ARN), which every value is encrypted with. */
export const repositorySecrets = (client: SecretsClient, prefix: string, keyId: string) => ({
  /** Creates the secret, or gives it a new value: the previous one is kept by Secrets Manager as AWSPREVIOUS. */
  set: async (repo: string, name: string, value: string): Promise<'created' | 'updated'> => {
    const id = repositorySecretId(prefix, repo, name);
    if (value === '') throw new HttpError(400, 'the secret\'s value is empty');
    if (Buffer.byteLength(value, 'utf8') > SECRET_VALUE_MAX_BYTES) {
      throw new HttpError(400, `the secret's value is ${Buffer.byteLength(value, 'utf8')} bytes; Secrets Manager holds at most ${SECRET_VALUE_MAX_BYTES}`);
    }
    const deleting = new HttpError(409, `secret ${name} of ${checkRepo(repo)} is being deleted; ask again in a minute`);
    const failure = (call: string, e: unknown) => keyFailure(call, keyId, e) ?? awsFailureAnswer(call, e);
    const update = async (): Promise<'updated' | 'missing'> => {
      try {
        await client.send(new UpdateSecretCommand({ SecretId: id, SecretString: value, KmsKeyId: keyId }));
        return 'updated';
      } catch (e) {
        if (nameOf(e) === 'InvalidRequestException') throw deleting;
        if (nameOf(e) === 'ResourceNotFoundException') return 'missing';
        throw failure('Secrets Manager UpdateSecret', e);
      }
    };
    if ((await update()) === 'updated') return 'updated';
    try {
      await client.send(new CreateSecretCommand({
        Name: id, SecretString: value, KmsKeyId: keyId, Description: `hyperp: secret ${name} of ${checkRepo(repo)}`,
      }));
      return 'created';
    } catch (e) {
      // Another request created it meanwhile: this value is the newer one.
      if (nameOf(e) === 'ResourceExistsException') {
        if ((await update()) === 'updated') return 'updated';
        throw new HttpError(409, `secret ${name} of ${checkRepo(repo)} was created and removed meanwhile; ask again`);
      }
      // A name freed by a deletion takes a moment to be reusable.
      if (nameOf(e) === 'InvalidRequestException') throw deleting;
      throw failure('Secrets Manager CreateSecret', e);
    }
  },

  /** Names and dates of a repository's secrets, by name; never a value. */
  list: async (repo: string): Promise<SecretListing[]> => {
    const folder = repositorySecretsPrefix(prefix, repo);
    const out: SecretListing[] = [];
    let token: string | undefined;
    do {
      const r = await awsCall('Secrets Manager ListSecrets', () => client.send(new ListSecretsCommand({
        // The name filter matches a prefix, case-insensitively: the exact folder is checked below.
        Filters: [{ Key: 'name', Values: [folder] }], MaxResults: 100, ...(token ? { NextToken: token } : {}),
      })));
      for (const s of r.SecretList ?? []) {
        const name = s.Name?.startsWith(folder) ? s.Name.slice(folder.length) : undefined;
        if (name === undefined || secretNameProblem(name) !== undefined || s.DeletedDate) continue;
        out.push({ name, createdAt: iso(s.CreatedDate), updatedAt: iso(s.LastChangedDate ?? s.CreatedDate) });
      }
      token = r.NextToken;
    } while (token);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  },

  /** Deletes at once, without a recovery window, so the name can be set again. */
  remove: async (repo: string, name: string): Promise<void> => {
    const id = repositorySecretId(prefix, repo, name);
    await awsCall('Secrets Manager DeleteSecret', () => client.send(new DeleteSecretCommand({ SecretId: id, ForceDeleteWithoutRecovery: true })), {
      notFound: `${checkRepo(repo)} has no secret ${name}`,
    });
  },
});
