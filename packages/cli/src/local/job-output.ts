/**
 * What a job left to download, for `artifacts list` and `artifacts download`: the files of its
 * output folder (regular files only, found without following anything: the folder is the job's,
 * and a link in it points anywhere), and whether there is anything to download at all. A job
 * that ran nothing (skipped, cancelled before it started) or failed before it wrote anything has
 * no output: saying so beats an empty zip.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface OutputFiles {
  /** Regular files, in any folder below the output folder. */
  readonly files: number;
  readonly bytes: number;
}

/** The output folder's regular files and their size; null when the folder does not exist. */
export const outputFiles = (dir: string): OutputFiles | null => {
  try {
    if (!lstatSync(dir).isDirectory()) return null;
  } catch {
    return null;
  }
  let files = 0;
  let bytes = 0;
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return; // a folder the job made unreadable: its files are not counted
    }
    for (const name of names) {
      let st;
      try {
        st = lstatSync(join(d, name));
      } catch {
        continue; // gone meanwhile, or a path too long to name: not counted
      }
      if (st?.isDirectory()) walk(join(d, name));
      else if (st?.isFile()) {
        files += 1;
        bytes += st.size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
};

/** How a job's output can be had: the run's zip, a zip made on demand, or nothing. */
export type DownloadKind = 'zip' | 'on-demand' | 'none';

export interface JobOutput {
  readonly download: DownloadKind;
  /** Why there is nothing to download (`none`), or null. */
  readonly reason: string | null;
}

/**
 * A succeeded job always has its output (even an empty one: that is what it made); a job that
 * did not succeed has one only when it left files (a failed job's partial output helps to see
 * why). `why` is the job's own reason (`upstream job "a" failed`).
 */
export const jobOutput = (
  job: { readonly status: string; readonly reason: string | null },
  zipReady: boolean,
  files: OutputFiles | null,
): JobOutput => {
  if (zipReady) return { download: 'zip', reason: null };
  if (job.status === 'SUCCEEDED' || (files !== null && files.files > 0)) return { download: 'on-demand', reason: null };
  const why = `${job.status}${job.reason ? `, ${job.reason}` : ''}`;
  return { download: 'none', reason: job.status === 'FAILED' ? `${why} (it wrote no output)` : why };
};
