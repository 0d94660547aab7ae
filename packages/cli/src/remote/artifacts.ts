/** `hyperp artifacts download RUN JOB` against the API: a presigned URL of the job's zip, then the zip. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode, userCwd, type CliContext } from '../context.js';
import type { ApiClient } from './client.js';
import { remoteRunId } from './run-id.js';

export const remoteDownload = async (
  ctx: CliContext, api: ApiClient, given: string, job: string, o: { repo?: string; output?: string }, defaultName: (runId: string) => string,
): Promise<number> => {
  const runId = await remoteRunId(ctx, api, given, o.repo);
  const link = await api.download(runId, job);
  const zip = await api.fetchPresigned(link.url);
  const out = resolve(userCwd(ctx), o.output ?? defaultName(runId));
  writeFileSync(out, zip);
  ctx.out(`${out} (${zip.length} bytes)\n`);
  return ExitCode.ok;
};
