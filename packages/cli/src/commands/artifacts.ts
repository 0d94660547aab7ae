/**
 * `hyperp artifacts download RUN JOB [-o FILE]`: a zip of the job's output — the run's
 * downloadable zip when the job has one, else made now from the output folder. Remote mode gets
 * the zip from S3 through a presigned URL the API gives (zipping the job's output first if needed,
 * waiting for it at most `--wait` minutes).
 */
import { constants, existsSync, lstatSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { foldRun, runView, zipDirectory } from '@hyperp/adapters-local';
import { jobNamed } from '@hyperp/core';
import type { Register } from '../program.js';
import { CliError, ExitCode, userCwd } from '../context.js';
import { findRun, layoutOf } from '../local/repo.js';
import { checkTarget, writeBeside } from '../local/target-file.js';
import { backendOf, withBackendOptions, type BackendOptions } from '../remote/backend.js';
import { remoteDownload } from '../remote/artifacts.js';

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'job';

/** The run's own zip, as hyperp wrote it (a regular file; never a link to follow). */
const isFile = (p: string): boolean => {
  try {
    return lstatSync(p).isFile();
  } catch {
    return false;
  }
};

export const registerArtifacts: Register = (program, run) => {
  const artifacts = program.command('artifacts').description("a run's job outputs");
  withBackendOptions(artifacts
    .command('download')
    .description("a zip of a job's output")
    .argument('<run>', 'run id (a unique prefix, or "last")')
    .argument('<job>', 'job name')
    .option('--repo <dir|owner/name>', 'repository folder (remote: owner/name, for "last")')
    .option('-o, --output <file>', 'where to write the zip (default: <job>-<run>.zip here)')
    .option('--wait <minutes>', 'remote: how long to wait for a zip the deployment is making (default 20)'))
    .action((given: string, job: string, opts: { repo?: string; output?: string; wait?: string } & BackendOptions) =>
      run(async (ctx) => {
        const backend = backendOf(ctx, opts);
        if (backend._tag === 'Remote') return remoteDownload(ctx, backend.api, given, job, opts, (runId) => `${safeName(job)}-${runId}.zip`);
        const layout = layoutOf(ctx, opts.repo);
        const runId = findRun(layout, given);
        const { state } = foldRun(layout, runId);
        const found = jobNamed(state, job);
        if (found === undefined) throw new CliError(`the run has no job "${job}" (jobs: ${state.request?.workflow.jobs.map((x) => `"${x.name}"`).join(', ') ?? ''})`);
        const record = found.job;
        const out = resolve(userCwd(ctx), opts.output ?? `${safeName(job)}-${runId}.zip`);
        checkTarget(out);
        const ready = record.downloadable?.status === 'READY' ? record.downloadable.location : null;
        let bytes: number;
        if (ready && isFile(ready)) {
          await writeBeside(out, (tmp) => copyFile(ready, tmp, constants.COPYFILE_EXCL));
          bytes = record.downloadable!.bytes ?? 0;
        } else {
          const dir = runView(state, layout).jobs[found.j]!.outputDir;
          if (!existsSync(dir)) throw new CliError(`job "${job}" has no output folder yet (${record.status})`);
          const r = await writeBeside(out, (tmp) => zipDirectory(dir, tmp, { signal: ctx.signal }).catch((e: Error) => {
            throw new CliError(`cannot zip the output of job "${job}": ${e.message}`);
          }));
          for (const n of r.notes) ctx.err(`note: ${n}\n`);
          bytes = r.bytes;
        }
        ctx.out(`${out} (${bytes} bytes)\n`);
        return ExitCode.ok;
      }),
    );
};
