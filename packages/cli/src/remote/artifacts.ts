/**
 * `hyperp artifacts download RUN JOB` against the API: a presigned URL of the job's zip, then the
 * zip. A job the run did not zip is zipped on the deployment first, which can take minutes for a
 * large output: the API answers "preparing" (202) until it is ready, and the CLI asks again
 * (every `retryAfterSeconds`, or `HYPERP_POLL_SECONDS`) for at most `--wait` minutes. A job that
 * did not succeed has nothing to download (the deployment zips succeeded jobs only): the run
 * says why. `hyperp artifacts list RUN` shows each job's zip from the run the API gives.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ApiDownloadLink, ApiRunView } from '@hyperp/core/internal';
import { CliError, ExitCode, UsageError, userCwd, type CliContext } from '../context.js';
import type { ApiClient } from './client.js';
import { remoteRunId } from './run-id.js';
import { sleep } from './wait.js';

/** How long `artifacts download` waits for a zip being made, by default (minutes). */
export const DEFAULT_ZIP_WAIT_MINUTES = 20;

export const zipWaitMsOf = (given: string | undefined): number => {
  if (given === undefined) return DEFAULT_ZIP_WAIT_MINUTES * 60_000;
  const m = Number(given);
  if (!(m >= 0 && m <= 24 * 60)) throw new UsageError(`--wait takes a number of minutes from 0 to 1440, not "${given}"`);
  return m * 60_000;
};

const pollMsOf = (env: Readonly<Record<string, string | undefined>>, retryAfterSeconds: number): number => {
  const given = Number(env['HYPERP_POLL_SECONDS']);
  return given > 0 ? given * 1000 : Math.max(1, retryAfterSeconds) * 1000;
};
import { checkTarget, writeBeside } from '../local/target-file.js';

export const remoteDownload = async (
  ctx: CliContext, api: ApiClient, given: string, job: string, o: { repo?: string; output?: string; wait?: string }, defaultName: (runId: string) => string,
): Promise<number> => {
  const waitMs = zipWaitMsOf(o.wait);
  const runId = await remoteRunId(ctx, api, given, o.repo);
  const out = resolve(userCwd(ctx), o.output ?? defaultName(runId));
  checkTarget(out);
  const run = await api.getRun(runId);
  const found = run.jobs.find((j) => j.name === job);
  if (!found) throw new CliError(`run ${runId} has no job "${job}" (jobs: ${run.jobs.map((x) => `"${x.name}"`).join(', ')})`);
  if (found.status !== 'SUCCEEDED') throw new CliError(`job "${job}" has no output to download: ${found.status}${found.reason ? `, ${found.reason}` : ''}`);
  const started = Date.now();
  let said = false;
  let link: ApiDownloadLink | undefined;
  for (;;) {
    const answer = await api.download(runId, job);
    // A deployment older than this CLI answers the link without a status.
    if (answer.status !== 'preparing') {
      link = answer;
      break;
    }
    if (!said) {
      ctx.err(`zipping "${job}" on the deployment; waiting for it (at most ${Math.round(waitMs / 60_000)} min, --wait to change)\n`);
      said = true;
    }
    const waited = Date.now() - started;
    if (waited >= waitMs || ctx.signal.aborted) {
      throw new CliError(
        `the zip of "${job}" is still being made on the deployment (started ${new Date(answer.startedAt).toISOString()}); ` +
          `it goes on: run the same command again later to download it`,
      );
    }
    await sleep(Math.min(pollMsOf(ctx.env, answer.retryAfterSeconds), waitMs - waited), ctx.signal);
  }
  const zip = await api.fetchPresigned(link.url);
  await writeBeside(out, (tmp) => writeFile(tmp, zip, { flag: 'wx' }));
  ctx.out(`${out} (${zip.length} bytes)\n`);
  return ExitCode.ok;
};

/** The row `artifacts list` prints for a job of a deployment's run (its files are on EFS, out of sight). */
const remoteRow = (j: ApiRunView['jobs'][number]) => {
  const zip = j.downloadable?.status === 'READY' ? j.downloadable : null;
  const download = zip ? 'zip' as const : j.status === 'SUCCEEDED' ? 'on-demand' as const : 'none' as const;
  return {
    name: j.name, status: j.status, files: null, bytes: null, download, zipBytes: zip?.bytes ?? null,
    reason: download === 'none' ? `${j.status}${j.reason ? `, ${j.reason}` : ''}` : null,
  };
};

export const remoteArtifactsList = async (
  ctx: CliContext, api: ApiClient, given: string, o: { repo?: string; json?: boolean },
  print: (ctx: CliContext, runId: string, workflow: string, rows: ReturnType<typeof remoteRow>[], json: boolean) => void,
): Promise<number> => {
  const run = await api.getRun(await remoteRunId(ctx, api, given, o.repo));
  print(ctx, run.runId, run.workflow, run.jobs.map(remoteRow), o.json === true);
  return ExitCode.ok;
};
