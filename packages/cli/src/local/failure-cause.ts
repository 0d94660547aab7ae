/**
 * Why a local task failed, in the lines `run` and `runs show` print under a FAILED job: the last
 * lines of the failed attempt's log (where the sandbox's own error lands too, e.g. `bwrap: execvp
 * python: No such file or directory`, or the util-linux sandbox's `env: 'python': No such file or
 * directory`), a one-line hint for causes a user meets often, and the
 * `hyperp logs` command that prints the whole log. The log is read from its end, a few KiB at
 * most, whatever its size.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { buildLogFile, type LocalLayout } from '@hyperp/adapters-local';
import type { JobView, RunState } from '@hyperp/core';
import { shellArg } from '../views/shell-arg.js';

/** Bytes read from a log's end: enough for a traceback's last lines. */
const TAIL_BYTES = 4096;
/** Lines of the log shown under the job. */
const TAIL_LINES = 3;
/** Characters of one shown line: a minified line or a progress bar stays one terminal row or so. */
const LINE_CHARS = 200;

/** The last bytes of a file (never the whole of a large one); '' when it cannot be read. */
export const readTail = (file: string, bytes: number = TAIL_BYTES): string => {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const n = Math.min(size, bytes);
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, size - n);
    const text = buf.subarray(0, got).toString('utf8');
    // A read that starts mid-file starts mid-line (and maybe mid-character): drop that line.
    return size > n ? text.slice(text.indexOf('\n') + 1) : text;
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
};

const lastLines = (text: string): string[] =>
  text.split(/\r?\n|\r/).map((l) => l.trimEnd()).filter((l) => l.trim() !== '').slice(-TAIL_LINES)
    .map((l) => (l.length > LINE_CHARS ? `${l.slice(0, LINE_CHARS)}…` : l));

/** Install steps the process engine lists in an image's build log instead of running them. */
const SKIPPED_INSTALL = /RUN not executed[^\n]*\b(pip3?|npm|yarn|pnpm|poetry|conda|apt-get|apk)\b/;

/** A one-line hint for a known cause, from the log's end and the exit code. */
export const hintFor = (tail: string, exitCode: number | null, installSkipped: boolean): string | null => {
  const missing = /(?:execvp (\S+)|env: ['‘](\S+?)['’]): No such file or directory/.exec(tail);
  if (missing || (exitCode === 127 && /not found|No such file/.test(tail))) {
    const what = missing ? `"${missing[1] ?? missing[2]}"` : 'the command';
    return `${what} is not on this machine: the process engine runs the image's command with the host's programs; install it, or run with --engine docker`;
  }
  if (/ModuleNotFoundError|No module named|Cannot find module|ERR_MODULE_NOT_FOUND/.test(tail)) {
    return installSkipped
      ? "a module is missing: the process engine does not execute the Dockerfile's RUN steps (its pip or npm install); install the modules on this machine, or run with --engine docker"
      : 'a module is missing from the runtime on this machine that serves the image; install it there, or run with --engine docker';
  }
  if (/Temporary failure in name resolution|EAI_AGAIN|ENOTFOUND|Name or service not known/.test(tail)) {
    return 'a name did not resolve: local tasks have no network unless the run is started with --network';
  }
  return null;
};

/** Whether the build log of an image of the job lists a skipped install step. */
const installSkipped = (layout: LocalLayout, state: RunState, jobIndex: number): boolean => {
  const graph = state.graph;
  if (graph === null || state.runId === null) return false;
  return (graph.jobImages[jobIndex] ?? []).some((i) => {
    const image = graph.images[i];
    return image !== undefined && SKIPPED_INSTALL.test(readTail(buildLogFile(layout, state.runId!, image.key), 16 * 1024));
  });
};

/**
 * Per job of the view, the lines under a FAILED one: its failed attempt's log end, a hint, and
 * the command that prints the log; null for other jobs and for jobs whose tasks never logged.
 */
export const failureCauses = (layout: LocalLayout, state: RunState, jobs: readonly JobView[], runId: string): (readonly string[] | null)[] =>
  jobs.map((j, k) => {
    if (j.status !== 'FAILED') return null;
    const failed = [...j.tasks].reverse().find((t) => t.status === 'FAILED' && t.logFile !== null);
    if (failed === undefined) return null;
    const tail = readTail(failed.logFile!);
    const hint = hintFor(tail, failed.exitCode, installSkipped(layout, state, k));
    const which = `${failed.index === 1 ? '' : ` --index ${failed.index}`} --attempt ${failed.attempt}`;
    return [
      ...lastLines(tail).map((l) => `| ${l}`),
      ...(hint === null ? [] : [`hint: ${hint}`]),
      `whole log: hyperp logs ${runId} ${shellArg(j.name)}${which}`,
    ];
  });
