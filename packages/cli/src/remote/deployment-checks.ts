/**
 * What `hyperp validate --remote` adds to the local checks: the workflows as a deployment takes
 * them. Each declared secret must exist among the repository's secrets there (listed through the
 * API: names only), and none may be asked for as an environment variable, which a deployment
 * never gives (its planner does not start such a workflow). Each issue is placed at the YAML
 * line that asks for the secret.
 */
import { secretIssueAt, secretPlaces, type SecretPlace } from '@hyperp/core/internal';
import { workflowDirectory, type RepoSnapshot, type ValidationIssue, type WorkflowSpec } from '@hyperp/core';
import { CliError } from '../context.js';
import type { ApiClient } from './client.js';

/** Every secret the loaded workflows ask for, where they ask. */
const placesOf = (snapshot: RepoSnapshot, workflows: readonly WorkflowSpec[]): SecretPlace[] =>
  workflows.flatMap((w) => {
    const text = snapshot.read(w.file);
    return text === undefined ? [] : secretPlaces(w.file, text);
  });

const envIssues = (places: readonly SecretPlace[]): ValidationIssue[] =>
  places.flatMap((p) => (p.env === undefined ? [] : [secretIssueAt(p.file, p.env, 'secret-env',
    `secret "${p.name}" of ${p.owner} is asked for as environment variable "${p.env.name}", which a deployment does not give: its planner does not start this workflow; read /run/secrets/${p.name} instead`)]));

/**
 * The repository's secrets on the deployment, or an error issue saying why they are unknown:
 * a failure never passes for "they exist".
 */
const deployedNames = async (
  api: ApiClient, repo: string,
): Promise<{ readonly _tag: 'Listed'; readonly names: ReadonlySet<string> } | { readonly _tag: 'Unknown'; readonly issue: ValidationIssue }> => {
  try {
    return { _tag: 'Listed', names: new Set((await api.listSecrets(repo)).secrets.map((s) => s.name)) };
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    return {
      _tag: 'Unknown',
      issue: {
        severity: 'error', file: workflowDirectory, path: '', rule: 'secret-name',
        message: `the secrets of ${repo} on the deployment could not be listed, so whether the declared ones exist there is unknown: ${e.message}`,
      },
    };
  }
};

export const deploymentIssues = async (api: ApiClient, repo: string, snapshot: RepoSnapshot, workflows: readonly WorkflowSpec[]): Promise<ValidationIssue[]> => {
  const places = placesOf(snapshot, workflows);
  if (places.length === 0) return [];
  const have = await deployedNames(api, repo);
  if (have._tag === 'Unknown') return [have.issue, ...envIssues(places)];
  const missing = places.filter((p) => !have.names.has(p.name)).map((p) => secretIssueAt(p.file, p, 'secret-name',
    `secret "${p.name}" of ${p.owner} is not among ${repo}'s secrets on the deployment: a run there fails at its start; set it with hyperp secrets set --repo ${repo} ${p.name}`));
  return [...missing, ...envIssues(places)];
};

/** The local warning about a secret as an environment variable gives way to the deployment's error at the same place. */
export const withoutLocalEnvWarnings = (issues: readonly ValidationIssue[]): ValidationIssue[] =>
  issues.filter((i) => !(i.rule === 'secret-env' && i.severity === 'warning'));
