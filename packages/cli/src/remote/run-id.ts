/** A RUN argument against the API: a run id as is, or `last` for the repository's newest run. */
import { CliError, type CliContext } from '../context.js';
import type { ApiClient } from './client.js';
import { remoteRepo } from './repo.js';

export const remoteRunId = async (ctx: CliContext, api: ApiClient, given: string, repo: string | undefined): Promise<string> => {
  if (given !== 'last' && given !== 'latest') return given;
  const name = remoteRepo(ctx, repo);
  const newest = (await api.listRuns({ repo: name, limit: 1 })).runs[0];
  if (!newest) throw new CliError(`the deployment has no runs of ${name}`);
  return newest.runId;
};
