/**
 * `hyperp logs RUN JOB`: a task attempt's output; `--follow` prints it as it grows, until the
 * attempt ends. Remote mode reads the task's CloudWatch log stream through the API.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { containerLabel, foldRun, taskLogFile } from '@hyperp/adapters-local';
import { vecGet, vecToArray, isTerminalRun, type RunState } from '@hyperp/core';
import { jobNamed } from '@hyperp/core/internal';
import type { Register } from '../program.js';
import { CliError, ExitCode, UsageError, type CliContext } from '../context.js';
import { findRun, layoutOf } from '../local/repo.js';
import { backendOf, withBackendOptions, type BackendOptions } from '../remote/backend.js';
import { remoteLogs } from '../remote/logs.js';
import { terminalSafe } from '../views/terminal-text.js';

const positive = (name: string, s: string | undefined): number | undefined => {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number of 1 or more, not "${s}"`);
  return n;
};

/** The attempt to show: the one asked for, else the newest of the task. */
const pick = (state: RunState, job: string, index: number, attempt: number | undefined) => {
  const found = jobNamed(state, job);
  if (found === undefined) {
    const names = state.request?.workflow.jobs.map((x) => `"${x.name}"`).join(', ') ?? '';
    throw new CliError(`the run has no job "${job}" (jobs: ${names})`);
  }
  const task = vecGet(found.job.tasks, index - 1);
  if (!task || task.attempts.length === 0) {
    const tasks = vecToArray(found.job.tasks).length;
    // A job that ended without tasks: say why, rather than "no task".
    if (tasks === 0 && found.job.reason !== null) throw new CliError(`job "${job}" ran no task in this run: ${found.job.status}, ${found.job.reason}`);
    throw new CliError(`job "${job}" has no task ${index} that started (${tasks} task(s))`);
  }
  const a = attempt === undefined ? task.attempts[task.attempts.length - 1]! : task.attempts.find((x) => x.attempt === attempt);
  if (!a) throw new CliError(`task ${index} of job "${job}" has no attempt ${attempt} (it has ${task.attempts.length})`);
  return a;
};

const hasStarted = (state: RunState, job: string, index: number): boolean => {
  const found = jobNamed(state, job);
  if (found === undefined) return true; // let pick() name the problem
  return (vecGet(found.job.tasks, index - 1)?.attempts.length ?? 0) > 0;
};

/** What is printed of the log's text: all of it, or one container's lines. */
interface Shown {
  readonly write: (text: string) => string;
  /** What is left at the end (a last line without a newline). */
  readonly end: () => string;
}

const everything: Shown = { write: (t) => t, end: () => '' };

/**
 * The lines of one container of a task of several, without their label: a line split by a
 * chunk's end is kept until its newline. Lines hyperp itself wrote (no label) are not the container's.
 */
const containerLines = (name: string): Shown => {
  const label = containerLabel(name);
  let rest = '';
  const pick = (lines: string[]): string => lines.filter((l) => l.startsWith(label)).map((l) => `${l.slice(label.length)}\n`).join('');
  return {
    write: (t) => {
      const lines = (rest + t).split('\n');
      rest = lines.pop()!;
      return pick(lines);
    },
    end: () => {
      const last = rest;
      rest = '';
      return last === '' ? '' : pick([last]);
    },
  };
};

/** Which lines to print: `--container` of a task of several containers, else all (a unknown name is refused). */
const shownFor = (state: RunState, job: string, container: string | undefined): Shown => {
  if (container === undefined) return everything;
  const names = state.request?.workflow.jobs.find((j) => j.name === job)?.taskDefinition.containerDefinitions.map((c) => c.name) ?? [];
  if (!names.includes(container)) {
    throw new CliError(`job "${job}" has no container "${container}" (its containers: ${names.map((n) => `"${n}"`).join(', ')})`);
  }
  return names.length > 1 ? containerLines(container) : everything;
};

/** Bytes read and printed at a time: `hyperp logs` of any size holds about this much. */
const CHUNK = 1 << 20;

/**
 * Prints `file` from `offset` to its current end, a chunk at a time (a log can be bigger than
 * any string), waiting for the reader and letting the event loop turn between chunks (Ctrl-C
 * stops it). UTF-8 characters cut by a chunk's end are printed whole with the next one. Returns
 * the new offset.
 */
const printFrom = async (ctx: CliContext, file: string, offset: number, decoder = new StringDecoder('utf8'), shown: Shown = everything): Promise<number> => {
  if (!existsSync(file)) return offset;
  const size = statSync(file).size;
  if (size <= offset) return offset;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(CHUNK, size - offset));
    while (offset < size && !ctx.signal.aborted) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, size - offset), offset);
      if (n === 0) break;
      const text = shown.write(decoder.write(buf.subarray(0, n)));
      if (text !== '') ctx.out(text);
      offset += n;
      // The reader's pace, not the disk's: what waits to be written stays within a chunk or two.
      await (ctx.drained?.() ?? Promise.resolve());
      await new Promise((r) => setImmediate(r));
    }
    return offset;
  } finally {
    closeSync(fd);
  }
};

export const registerLogs: Register = (program, run) => {
  withBackendOptions(program
    .command('logs')
    .description("a task attempt's output (task 1, newest attempt unless asked)")
    .argument('<run>', 'run id (a unique prefix, or "last")')
    .argument('<job>', 'job name')
    .option('--repo <dir|owner/name>', 'repository folder (remote: owner/name, for "last")')
    .option('--index <n>', 'TASK_INDEX of the task', '1')
    .option('--attempt <n>', 'attempt number (default: the newest)')
    .option('-f, --follow', 'keep printing until the attempt ends (and its retries, unless --attempt is given)')
    .option('--container <name>', 'only this container\'s output (a task of several containers labels each line with its container)'))
    .action((given: string, job: string, opts: { repo?: string; index?: string; attempt?: string; follow?: boolean; container?: string } & BackendOptions) =>
      run(async (ctx) => {
        const index = positive('--index', opts.index) ?? 1;
        const attemptNo = positive('--attempt', opts.attempt);
        const backend = backendOf(ctx, opts);
        if (backend._tag === 'Remote') {
          return remoteLogs(ctx, backend.api, given, job, {
            index, ...(attemptNo !== undefined ? { attempt: attemptNo } : {}), ...(opts.repo ? { repo: opts.repo } : {}),
            ...(opts.container ? { container: opts.container } : {}), follow: opts.follow === true, pollMs: backend.pollMs,
          });
        }
        const layout = layoutOf(ctx, opts.repo);
        const runId = findRun(layout, given);
        let state = foldRun(layout, runId).state;
        const shown = shownFor(state, job, opts.container);
        // --follow on a task that has not started yet waits for it (as long as the run goes on).
        while (opts.follow && !isTerminalRun(state.status) && !ctx.signal.aborted && !hasStarted(state, job, index)) {
          await new Promise((r) => setTimeout(r, 200));
          state = foldRun(layout, runId).state;
        }
        let a = pick(state, job, index, attemptNo);
        let file = taskLogFile(layout, runId, job, index, a.attempt);
        let decoder = new StringDecoder('utf8');
        let offset = await printFrom(ctx, file, 0, decoder, shown);
        for (;;) {
          while (opts.follow && a.outcome === null && !isTerminalRun(state.status) && !ctx.signal.aborted) {
            await new Promise((r) => setTimeout(r, 200));
            offset = await printFrom(ctx, file, offset, decoder, shown);
            state = foldRun(layout, runId).state;
            a = pick(state, job, index, a.attempt);
          }
          await printFrom(ctx, file, offset, decoder, shown);
          const rest = shown.write(decoder.end()) + shown.end();
          if (rest) ctx.out(rest);
          // Following the task (no --attempt): a retry is the same task going on, so follow it too.
          const newest = opts.follow && attemptNo === undefined && !ctx.signal.aborted ? pick(state, job, index, undefined) : a;
          if (newest.attempt === a.attempt) return ExitCode.ok;
          ctx.err(`(attempt ${a.attempt} ${a.outcome ?? 'ended'}${a.reason ? `: ${terminalSafe(a.reason)}` : ''}; following attempt ${newest.attempt})\n`);
          a = newest;
          file = taskLogFile(layout, runId, job, index, a.attempt);
          decoder = new StringDecoder('utf8');
          offset = await printFrom(ctx, file, 0, decoder, shown);
        }
      }),
    );
};

/** The attempt `logs` shows (the one asked for, else the newest), for the web view's log reader. */
export { pick as pickAttempt };
