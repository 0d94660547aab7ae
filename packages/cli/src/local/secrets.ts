/**
 * The secret values of local runs: the cascade read once per command, refused when git tracks
 * it, and every secret the runs' jobs declare present before anything starts.
 */
import { loadLocalSecrets, maskPatterns, missingSecrets, refuseTrackedSecrets, SecretsSourceError, SECRETS_FILE, SECRETS_FOLDER, type LocalSecrets } from '@hyperp/adapters-local';
import type { WorkflowSpec } from '@hyperp/core';
import { declaredSecretNames } from '@hyperp/core/internal';
import { CliError } from '../context.js';
import { terminalSafe } from '../views/terminal-text.js';

export const SECRETS_HELP = `read secret values from this folder (a file per secret) or YAML file only (default: ${SECRETS_FOLDER}/, then ${SECRETS_FILE} on top, in the repository folder)`;

/** Where to put a missing secret, said once. */
export const missingSecretAdvice = (name: string): string =>
  `add it as ${SECRETS_FOLDER}/${name} (a file holding the value) or as "${name}: …" in ${SECRETS_FILE}, or name a folder or file with --secrets`;

/** The values found, or a CliError saying what is wrong with the sources (tracked, unreadable, a value missing). */
export const localSecretsFor = async (repoDir: string, explicit: string | undefined, workflows: readonly WorkflowSpec[]): Promise<LocalSecrets> => {
  let secrets: LocalSecrets;
  try {
    secrets = loadLocalSecrets(repoDir, explicit);
    await refuseTrackedSecrets(repoDir, secrets.sources);
  } catch (e) {
    if (e instanceof SecretsSourceError) throw new CliError(e.message);
    throw e;
  }
  const missing = workflows.flatMap((w) => missingSecrets(w, secrets).map((name) => ({ w, name })));
  if (missing.length > 0) {
    const where = secrets.sources.length > 0 ? `looked in ${secrets.sources.join(', ')}` : `no ${SECRETS_FOLDER}/ or ${SECRETS_FILE} in ${repoDir}`;
    throw new CliError(missing.map(({ w, name }) =>
      `workflow "${terminalSafe(w.name)}" (${w.file}): secret "${name}" has no value here (${where}); ${missingSecretAdvice(name)}`).join('\n'));
  }
  return secrets;
};

/** What to show as *** of what the runs' jobs could print: the values of the secrets they declare. */
export const secretMask = (secrets: LocalSecrets | undefined, workflows: readonly WorkflowSpec[]): readonly string[] =>
  secrets === undefined ? [] : maskPatterns(workflows.flatMap((w) => declaredSecretNames(w)).flatMap((n) => (secrets.values.has(n) ? [secrets.values.get(n)!] : [])));

/** The secret values found in the default sources, for masking what `runs show` prints; none when they cannot be read. */
export const quietSecrets = (repoDir: string): LocalSecrets | undefined => {
  try {
    return loadLocalSecrets(repoDir);
  } catch {
    return undefined;
  }
};
