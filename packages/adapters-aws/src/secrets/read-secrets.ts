/**
 * The control plane's reading of a repository's secrets: once per run, for the files the efs
 * function writes (docs/design-decisions.md), and for masking what hyperp serves and posts of a
 * job's log (`run-mask.ts`: the API, the check reporter). A value goes from here to the efs
 * function's request or to a mask, and nowhere else: no event, state, command, answer, log line
 * or error message holds it.
 *
 * GetSecretValue's errors (Secrets Manager API Reference, read 2026-12): ResourceNotFoundException
 * (not set, or deleted), InvalidRequestException (scheduled for deletion), DecryptionFailure,
 * InvalidParameterException, InternalServiceError, AccessDeniedException, ThrottlingException.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { repositorySecretId } from './repository-secrets.js';

/** A secret the repository does not have: the run cannot start its jobs, and no repeat changes that. */
export class SecretNotSet extends Error {
  override readonly name = 'SecretNotSet';
}

const NOT_SET = new Set(['ResourceNotFoundException', 'InvalidRequestException']);

/** Each named secret's value, read once each. */
export const readRepositorySecrets = async (
  client: Pick<SecretsManagerClient, 'send'>,
  prefix: string,
  repo: string,
  names: readonly string[],
): Promise<ReadonlyMap<string, string>> => {
  const values = new Map<string, string>();
  for (const name of [...new Set(names)]) {
    let r;
    try {
      r = await client.send(new GetSecretValueCommand({ SecretId: repositorySecretId(prefix, repo, name) }));
    } catch (e) {
      if (e instanceof Error && NOT_SET.has(e.name)) {
        throw new SecretNotSet(`secret ${name} of ${repo} is not set on this deployment (${e.name}): hyperp secrets set --repo ${repo} ${name}`);
      }
      throw e;
    }
    if (typeof r.SecretString !== 'string') {
      throw new SecretNotSet(`secret ${name} of ${repo} holds no text value: set it again with hyperp secrets set --repo ${repo} ${name}`);
    }
    values.set(name, r.SecretString);
  }
  return values;
};

/**
 * A secret's values to mask: the current one and the one it replaced (`AWSPREVIOUS`), so a log
 * written before `hyperp secrets set` changed it is still masked. A secret that is not there (never
 * set, deleted, being deleted) or has no earlier value gives nothing; any other failure throws.
 */
export const readMaskValues = async (
  client: Pick<SecretsManagerClient, 'send'>,
  prefix: string,
  repo: string,
  name: string,
): Promise<readonly string[]> => {
  const values: string[] = [];
  const SecretId = repositorySecretId(prefix, repo, name);
  for (const stage of [undefined, 'AWSPREVIOUS']) {
    let r;
    try {
      r = await client.send(new GetSecretValueCommand({ SecretId, ...(stage ? { VersionStage: stage } : {}) }));
    } catch (e) {
      if (e instanceof Error && NOT_SET.has(e.name)) break;
      throw e;
    }
    if (typeof r.SecretString === 'string' && r.SecretString !== '') values.push(r.SecretString);
  }
  return values;
};
