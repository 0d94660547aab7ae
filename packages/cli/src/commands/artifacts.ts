/**
 * `hyperp artifacts list RUN`: each job's output (files, bytes, whether it can be downloaded);
 * `hyperp artifacts download RUN JOB [-o FILE]`: a zip of the job's output — the run's
 * downloadable zip when the job has one, else made now from the output folder. A job with no
 * output (skipped, or failed before it wrote anything) is refused with why, and nothing is
 * written. Remote mode reads the run from the API and gets the zip from S3 through a presigned
 * URL (zipping the job's output first if needed, waiting for it at most `--wait` minutes).
 */
import { constants, existsSync, lstatSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { foldRun, runView, zipDirectory, type LocalLayout } from '@hyperp/adapters-local';
import { vecToArray, type RunState } from '@hyperp/core';
import { jobNamed, plural } from '@hyperp/core/internal';
import type { Register } from '../program.js';
import { CliError, ExitCode, userCwd, type CliContext } from '../context.js';
import { findRun, layoutOf } from '../local/repo.js';
import { jobOutput, outputFiles, type DownloadKind } from '../local/job-output.js';
import { checkTarget, writeBeside } from '../local/target-file.js';
import { backendOf, withBackendOptions, type BackendOptions } from '../remote/backend.js';
import { remoteArtifactsList, remoteDownload } from '../remote/artifacts.js';
import { terminalSafeLines } from '../views/terminal-text.js';

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'job';

/** The run's own zip, as hyperp wrote it (a regular file; never a link to follow). */
const isFile = (p: string): boolean => {
  try {
    return lstatSync(p).isFile();
  } catch {
    return false;
  }
};

/** One job of `artifacts list --json`. */
export interface ArtifactRow {
  readonly name: string;
  readonly status: string;
  /** Regular files of its output folder and their bytes; null where they cannot be seen (remote). */
  readonly files: number | null;
  readonly bytes: number | null;
  readonly download: DownloadKind;
  /** The size of the run's zip, when it has one. */
  readonly zipBytes: number | null;
  /** Why there is nothing to download; null when there is. */
  readonly reason: string | null;
}

const localRows = (state: RunState, layout: LocalLayout): ArtifactRow[] => {
  const views = runView(state, layout).jobs;
  return vecToArray(state.jobs).map((j, i) => {
    const zip = j.downloadable?.status === 'READY' && j.downloadable.location !== null && isFile(j.downloadable.location) ? j.downloadable : null;
    const files = outputFiles(views[i]!.outputDir);
    const o = jobOutput(j, zip !== null, files);
    return { name: j.name, status: j.status, files: files?.files ?? 0, bytes: files?.bytes ?? 0, download: o.download, zipBytes: zip?.bytes ?? null, reason: o.reason };
  });
};

const downloadText = (r: ArtifactRow): string =>
  r.download === 'zip' ? `zip${r.zipBytes !== null ? ` (${r.zipBytes} bytes)` : ''}` : r.download === 'on-demand' ? 'zipped on download' : `nothing to download: ${r.reason ?? r.status}`;

/** `artifacts list` for people: a line per job. */
export const printArtifacts = (ctx: CliContext, runId: string, workflow: string, rows: readonly ArtifactRow[], json: boolean): void => {
  if (json) {
    ctx.out(JSON.stringify({ runId, jobs: rows }, null, 2) + '\n');
    return;
  }
  const lines = [`run ${runId}  ${workflow}`];
  for (const r of rows) {
    const size = r.files === null ? '' : `  ${plural(r.files, 'file')}, ${r.bytes} bytes`;
    lines.push(`  ${r.status.padEnd(9)} ${r.name}${size}  ${downloadText(r)}`);
  }
  ctx.out(terminalSafeLines(lines.join('\n')) + '\n');
};

const download = async (ctx: CliContext, layout: LocalLayout, given: string, job: string, output: string | undefined): Promise<number> => {
  const runId = findRun(layout, given);
  const { state } = foldRun(layout, runId);
  const found = jobNamed(state, job);
  if (found === undefined) throw new CliError(`the run has no job "${job}" (jobs: ${state.request?.workflow.jobs.map((x) => `"${x.name}"`).join(', ') ?? ''})`);
  const record = found.job;
  const out = resolve(userCwd(ctx), output ?? `${safeName(job)}-${runId}.zip`);
  checkTarget(out);
  const ready = record.downloadable?.status === 'READY' ? record.downloadable.location : null;
  const dir = runView(state, layout).jobs[found.j]!.outputDir;
  const zipped = ready !== null && isFile(ready);
  if (!zipped) {
    // A succeeded job's output is zipped whatever it holds; another's only when it left files.
    const files = record.status === 'SUCCEEDED' ? null : outputFiles(dir);
    const o = jobOutput(record, false, files);
    if (o.download === 'none') throw new CliError(`job "${job}" has no output to download: ${o.reason}`);
    if (!existsSync(dir)) throw new CliError(`job "${job}" has no output folder yet (${record.status})`);
  }
  let bytes: number;
  if (zipped) {
    await writeBeside(out, (tmp) => copyFile(ready, tmp, constants.COPYFILE_EXCL));
    bytes = record.downloadable!.bytes ?? 0;
  } else {
    if (record.status !== 'SUCCEEDED') ctx.err(`note: job "${job}" is ${record.status}; its output as it left it\n`);
    const r = await writeBeside(out, (tmp) => zipDirectory(dir, tmp, { signal: ctx.signal }).catch((e: Error) => {
      throw new CliError(`cannot zip the output of job "${job}": ${e.message}`);
    }));
    for (const n of r.notes) ctx.err(`note: ${n}\n`);
    bytes = r.bytes;
  }
  ctx.out(`${out} (${bytes} bytes)\n`);
  return ExitCode.ok;
};

export const registerArtifacts: Register = (program, run) => {
  const artifacts = program.command('artifacts').description("a run's job outputs");
  withBackendOptions(artifacts
    .command('list')
    .description("each job's output: files, bytes, and whether it can be downloaded")
    .argument('<run>', 'run id (a unique prefix, or "last")')
    .option('--repo <dir|owner/name>', 'repository folder (remote: owner/name, for "last")')
    .option('--json', 'print as JSON'))
    .action((given: string, opts: { repo?: string; json?: boolean } & BackendOptions) =>
      run(async (ctx) => {
        const backend = backendOf(ctx, opts);
        if (backend._tag === 'Remote') return remoteArtifactsList(ctx, backend.api, given, opts, printArtifacts);
        const layout = layoutOf(ctx, opts.repo);
        const runId = findRun(layout, given);
        const { state } = foldRun(layout, runId);
        printArtifacts(ctx, runId, state.request?.workflow.name ?? '', localRows(state, layout), opts.json === true);
        return ExitCode.ok;
      }),
    );
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
        return download(ctx, layoutOf(ctx, opts.repo), given, job, opts.output);
      }),
    );
};
