/**
 * What the web view's server reads and does, on this machine's runs or on a deployment's: each
 * answer comes from the CLI's own code — the same commands run in-process with `--json` where
 * they print what is wanted (`runs list`, `runs show`, `artifacts`, `cancel`, `rerun`, `validate`,
 * `plan`), the same readers where a command prints text (a log read in ranges, the folded run).
 */
import { closeSync, constants, fstatSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driverLockFile, eventsFile, foldRun, taskLogFile, type LocalLayout } from '@hyperp/adapters-local';
import { isTerminalRun, loadWorkflows, vecGet, type RunState, type RunStatus } from '@hyperp/core';
import { jobNamed, type ApiRunView } from '@hyperp/core/internal';
import { CliError, ExitCode, type CliContext } from '../context.js';
import { runCli } from '../program.js';
import { findRun, layoutOf, progressOf, repoDirOf } from '../local/repo.js';
import { resumeCommandOf } from '../local/driver-state.js';
import { driveAll, parseParallel } from '../local/session.js';
import { pickAttempt } from '../commands/logs.js';
import { startLocalRerun } from '../commands/rerun.js';
import { readRepository } from '../commands/validate.js';
import { backendOf, type BackendOptions } from '../remote/backend.js';
import { ApiError, type ApiClient } from '../remote/client.js';
import { remoteRunId } from '../remote/run-id.js';
import { localRunDetail, remoteRunDetail, undetailedRunDetail, type UiRun } from './run-detail.js';

export interface UiOptions extends BackendOptions {
  /** As given to `hyperp ui --repo` (a folder; remotely owner/name too). */
  readonly repo?: string;
  /** The engine of local reruns started from the page (`hyperp rerun --engine`). */
  readonly engine?: string;
}

/** One range of a task attempt's log. */
export interface LogPage {
  readonly text: string;
  /** Where the next range starts (a byte offset locally, CloudWatch's token remotely). */
  readonly cursor: string | null;
  /** More is there now: ask again at once. */
  readonly more: boolean;
  /** The attempt has ended: once `more` is false, nothing will be added. */
  readonly ended: boolean;
  readonly attempt: number;
  /** The task's attempts, oldest first. */
  readonly attempts: readonly { readonly attempt: number; readonly status: string }[];
}

export interface UiBackend {
  readonly mode: 'local' | 'remote';
  /** The repository folder, or the deployment's API URL. */
  readonly where: string;
  /** How often the live streams look for changes. */
  readonly pollMs: number;
  readonly runs: () => Promise<unknown>;
  /** Changes when a run is added or changes; a cheap look (remote: every poll). */
  readonly runsSignature: () => string;
  readonly run: (id: string) => Promise<UiRun>;
  readonly runSignature: (id: string) => string;
  readonly log: (id: string, job: string, index: number, attempt: number | undefined, cursor: string | null) => Promise<LogPage>;
  readonly artifacts: (id: string) => Promise<unknown>;
  /** Writes the job's zip to a file of its own; `cleanup` removes it. */
  readonly download: (id: string, job: string) => Promise<{ file: string; cleanup: () => void }>;
  readonly cancel: (id: string) => Promise<string>;
  readonly rerun: (id: string, failedOnly: boolean) => Promise<{ runId: string }>;
  readonly workflows: () => Promise<unknown>;
  /** Stops what the backend drives (local reruns end CANCELLED, as with Ctrl-C) and waits for it. */
  readonly close: () => Promise<void>;
}

const LOG_RANGE = 256 * 1024;
/** How long a deployment without the detail route is taken at its word. */
const ASK_DETAIL_AGAIN_MS = 60_000;

/** Runs a `hyperp` command in-process; its stdout, or its error line as a `CliError`. */
const cliRunner = (ctx: CliContext, opts: UiOptions) => {
  const backendArgs = [
    ...(opts.api !== undefined ? ['--api', opts.api] : []),
    ...(opts.region !== undefined ? ['--region', opts.region] : []),
    ...(opts.local ? ['--local'] : []),
  ];
  const repoArgs = opts.repo !== undefined ? ['--repo', opts.repo] : [];
  return async (args: readonly string[], o: { backend?: boolean; codes?: readonly number[] } = {}): Promise<string> => {
    let out = '';
    let err = '';
    const code = await runCli([...args, ...repoArgs, ...(o.backend === false ? [] : backendArgs)], {
      cwd: ctx.cwd, env: ctx.env, out: (s) => (out += s), err: (s) => (err += s), isTTY: false, signal: ctx.signal,
    });
    if (code !== ExitCode.ok && !(o.codes ?? []).includes(code)) {
      throw new CliError(err.split('\n').filter((l) => l.trim() !== '').map((l) => l.replace(/^error: /, '')).join('\n') || `hyperp ${args[0]} exited ${code}`);
    }
    return out;
  };
};

const statMark = (file: string): string => {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return '-';
  }
};

/** The validate and plan answers, and each loaded workflow's jobs with their edges (the graph). */
const workflowsOf = async (ctx: CliContext, cli: ReturnType<typeof cliRunner>, repoDir: string): Promise<unknown> => {
  const snapshot = await readRepository(repoDir);
  const { workflows } = loadWorkflows(snapshot);
  const validate = JSON.parse(await cli(['validate', '--json'], { backend: false, codes: [ExitCode.failed] })) as { issues: { file: string; line: number | null }[] };
  let plan: unknown = null;
  let planError: string | null = null;
  try {
    plan = JSON.parse(await cli(['plan', '--json'], { backend: false }));
  } catch (e) {
    planError = (e as Error).message;
  }
  // Each issue with its line's text, so the page shows it where it is.
  const issues = validate.issues.map((i) => ({ ...i, text: i.line === null ? null : snapshot.read(i.file)?.split('\n')[i.line - 1] ?? null }));
  return {
    ...validate, issues, plan, planError,
    graphs: workflows.map((w) => ({
      name: w.name, file: w.file, description: w.description ?? null, branches: w.branches,
      jobs: w.jobs.map((j) => ({ name: j.name, dependsOn: j.dependsOn, concurrency: j.concurrency, downloadable: j.downloadable, retries: j.retries })),
    })),
  };
};

export const localBackend = (ctx: CliContext, opts: UiOptions, layout: LocalLayout = layoutOf(ctx, opts.repo)): UiBackend => {
  const cli = cliRunner(ctx, opts);
  const driving = new Set<Promise<unknown>>();
  const stop = new AbortController();
  const fold = (id: string): { runId: string; state: RunState; damaged: boolean } => {
    const runId = findRun(layout, id);
    const { state, damagedLines } = foldRun(layout, runId);
    return { runId, state, damaged: damagedLines.length > 0 };
  };
  return {
    mode: 'local',
    where: layout.repoDir,
    pollMs: 300,
    runs: async () => JSON.parse(await cli(['runs', 'list', '--json'])) as unknown,
    runsSignature: () => {
      let ids: string[];
      try {
        ids = readdirSync(layout.runsDir).sort();
      } catch {
        return '';
      }
      return ids.map((id) => `${id}=${statMark(eventsFile(layout, id))}=${statMark(driverLockFile(layout, id))}`).join('|');
    },
    run: async (id) => {
      const { runId, state, damaged } = fold(id);
      return localRunDetail(state, resumeCommandOf(layout, runId, progressOf(state), opts.repo, damaged));
    },
    runSignature: (id) => {
      const runId = findRun(layout, id);
      return `${statMark(eventsFile(layout, runId))}|${statMark(driverLockFile(layout, runId))}`;
    },
    log: async (id, job, index, attemptNo, cursor) => {
      const { runId, state } = fold(id);
      const a = pickAttempt(state, job, index, attemptNo);
      const task = vecGet(jobNamed(state, job)!.job.tasks, index - 1)!;
      const attempts = task.attempts.map((x, i) => ({ attempt: x.attempt, status: x.outcome ?? (i === task.attempts.length - 1 ? task.status : x.lastStatus ?? 'PENDING') }));
      const ended = a.outcome !== null || isTerminalRun(state.status);
      const offset = cursor === null ? 0 : Number(cursor);
      if (!Number.isSafeInteger(offset) || offset < 0) throw new CliError(`cursor must be a byte offset, not "${cursor}"`);
      let fd: number;
      try {
        fd = openSync(taskLogFile(layout, runId, job, index, a.attempt), constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch {
        return { text: '', cursor: String(offset), more: false, ended, attempt: a.attempt, attempts }; // not written yet
      }
      try {
        const size = fstatSync(fd).size;
        const buf = Buffer.alloc(Math.max(0, Math.min(LOG_RANGE, size - offset)));
        const n = buf.length === 0 ? 0 : readSync(fd, buf, 0, buf.length, offset);
        // A range ends after a line, so no character is cut (unless one line is longer than a range).
        let end = n;
        if (offset + n < size || !ended) {
          const nl = buf.subarray(0, n).lastIndexOf(10);
          end = nl >= 0 ? nl + 1 : offset + n < size ? n : 0;
        }
        return { text: buf.subarray(0, end).toString('utf8'), cursor: String(offset + end), more: offset + end < size && end > 0, ended, attempt: a.attempt, attempts };
      } finally {
        closeSync(fd);
      }
    },
    artifacts: async (id) => JSON.parse(await cli(['artifacts', 'list', id, '--json'])) as unknown,
    download: (id, job) => downloadWith(cli, id, job),
    cancel: async (id) => (await cli(['cancel', id])).trim(),
    rerun: async (id, failedOnly) => {
      const quiet: CliContext = { ...ctx, out: () => undefined, err: (s) => void process.stderr.write(s), isTTY: false, signal: stop.signal };
      const { req, engine } = await startLocalRerun(quiet, layout, id, { failedOnly, engine: opts.engine });
      // The new run goes on in this process; the page follows it through its event log.
      const p = driveAll(quiet, [{ layout, runId: req.runId, engine, parallel: parseParallel(undefined), network: false, request: req }], true)
        .catch((e: Error) => void process.stderr.write(`hyperp ui: run ${req.runId}: ${e.message}\n`))
        .finally(() => driving.delete(p));
      driving.add(p);
      return { runId: req.runId };
    },
    workflows: () => workflowsOf(ctx, cli, layout.repoDir),
    close: async () => {
      stop.abort();
      await Promise.all([...driving]);
    },
  };
};

/** `hyperp artifacts download` into a folder of its own. */
const downloadWith = async (cli: ReturnType<typeof cliRunner>, id: string, job: string, extra: readonly string[] = []) => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-ui-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    await cli(['artifacts', 'download', id, job, '-o', join(dir, 'artifacts.zip'), ...extra]);
    return { file: join(dir, 'artifacts.zip'), cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
};

export const remoteBackend = (ctx: CliContext, opts: UiOptions, api: ApiClient, pollMs: number): UiBackend => {
  const cli = cliRunner(ctx, opts);
  let ticks = 0;
  /**
   * Set when the deployment answered that it has no detail route: until then its run view alone
   * (no second request on every poll), then it is asked again — it may have been updated.
   */
  let noDetailUntil = 0;
  const run = async (id: string): Promise<UiRun> => {
    const runId = await remoteRunId(ctx, api, id, opts.repo);
    if (Date.now() >= noDetailUntil) {
      try {
        return remoteRunDetail(await api.getRunDetail(runId));
      } catch (e) {
        // A missing run is a 404 too ("no run …"): only the router's own answer means an older API.
        if (!(e instanceof ApiError && e.status === 404 && /^no route /.test(e.message))) throw e;
        noDetailUntil = Date.now() + ASK_DETAIL_AGAIN_MS;
      }
    }
    return undetailedRunDetail(await api.getRun(runId),
      `the deployment's API is older than this CLI and gives no edges, images or times (hyperp deploy updates it)`);
  };
  const task = (run: ApiRunView, job: string, index: number, attempt: number | undefined) => {
    const j = run.jobs.find((x) => x.name === job);
    if (!j) throw new CliError(`run ${run.runId} has no job "${job}"`);
    const attempts = j.tasks.filter((t) => t.index === index);
    const a = attempt === undefined ? attempts.at(-1) : attempts.find((t) => t.attempt === attempt);
    if (!a) throw new CliError(`task ${index} of job "${job}" has not started`);
    return { a, attempts: attempts.map((t) => ({ attempt: t.attempt, status: t.status })) };
  };
  return {
    mode: 'remote',
    where: api.url,
    pollMs,
    runs: async () => JSON.parse(await cli(['runs', 'list', '--json', '--limit', '100'])) as unknown,
    // A deployment says nothing cheaply: every poll asks again (the stream sends only what changed).
    runsSignature: () => String(ticks++),
    run,
    runSignature: () => String(ticks++),
    log: async (id, job, index, attemptNo, cursor) => {
      const runId = await remoteRunId(ctx, api, id, opts.repo);
      const run = await api.getRun(runId);
      const { a, attempts } = task(run, job, index, attemptNo);
      const ended = isTerminalRun(run.status as RunStatus) || ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(a.status);
      if (!a.taskArn) return { text: '', cursor, more: false, ended, attempt: a.attempt, attempts };
      const page = await api.logs(runId, { job, index, attempt: a.attempt, ...(cursor !== null ? { nextToken: cursor } : {}) });
      const text = page.events.map((e) => (e.message.endsWith('\n') ? e.message : `${e.message}\n`)).join('');
      // CloudWatch Logs says nothing is left by answering the token it was given.
      const next = page.nextToken ?? cursor;
      return { text, cursor: next, more: next !== cursor && next !== null, ended, attempt: a.attempt, attempts };
    },
    artifacts: async (id) => JSON.parse(await cli(['artifacts', 'list', id, '--json'])) as unknown,
    download: (id, job) => downloadWith(cli, id, job, ['--wait', '2']),
    cancel: async (id) => (await cli(['cancel', id])).trim(),
    rerun: async (id, failedOnly) => JSON.parse(await cli(['rerun', id, '--json', ...(failedOnly ? ['--failed'] : [])])) as { runId: string },
    workflows: async () => {
      // The deployment reads the repository on GitHub; the workflows here are the folder's, when --repo names one.
      const dir = (() => { try { return repoDirOf(ctx, opts.repo); } catch { return undefined; } })();
      if (dir === undefined) throw new CliError('the workflows view reads a repository folder: start hyperp ui in one, or with --repo DIR');
      return workflowsOf(ctx, cli, dir);
    },
    close: async () => undefined,
  };
};

/** The backend `hyperp ui` serves: a deployment's when HYPERP_API_URL (or --api) names one, else this machine's. */
export const uiBackend = (ctx: CliContext, opts: UiOptions): UiBackend => {
  const b = backendOf(ctx, opts);
  return b._tag === 'Remote' ? remoteBackend(ctx, opts, b.api, b.pollMs) : localBackend(ctx, opts);
};
