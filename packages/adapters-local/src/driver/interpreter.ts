/**
 * Carries out the reducer's commands on this machine and reports their outcomes as events.
 * Every command is safe to receive twice (a resumed run repeats what was not confirmed):
 * a task attempt is started at most once per process by its attempt key, builds are keyed by
 * image, folders and zips are idempotent by nature.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  taskRunning, taskStopped, type Command, type RunEvent, type RunTask, type BuildImage, type TaskDefinition, type RecordImage, type SecretSpec,
} from '@hyperp/core';
import { writeTaskSecrets, type TaskSecrets } from '../secrets/task-files.js';
import type { Engine, RunningTask, BuildRequest } from '../engine/types.js';
import { buildLogFile, runDir, taskDefinitionFile, type LocalLayout } from '../layout.js';
import { taskLogFile } from '../task-log.js';
import { zipDirectory, zipNotes } from '../artifacts/zip.js';
import { slots as makeSlots, type Slots } from './slots.js';
import { launchPlan, taskSize } from './task-launch.js';

export interface BuildSource {
  /**
   * The Dockerfile's text and the context's files after `.dockerignore`, for the image `key`; an
   * error when these files are not the ones the key was made of.
   */
  readonly context: (dockerfilePath: string, context: string, key: string) => Pick<BuildRequest, 'dockerfile' | 'files'> | { readonly error: string };
}

/** The secrets of a run: which each job reads, their values, and what its logs mask. */
export interface RunSecrets {
  readonly forJob: (job: string) => readonly SecretSpec[];
  readonly values: ReadonlyMap<string, string>;
  /** `secrets/mask.ts` patterns of every secret the run's jobs declare. */
  readonly mask: readonly string[];
  /** Where values were looked for, for a missing one's message. */
  readonly from: string;
}

export interface InterpreterOptions {
  readonly layout: LocalLayout;
  readonly runId: string;
  readonly engine: Engine;
  readonly parallel: number;
  readonly network: boolean;
  /** `imageRepositoryUri` of the run's settings: images are `${repository}:${key}`. */
  readonly repository: string;
  readonly source: BuildSource;
  readonly emit: (events: readonly RunEvent[]) => Promise<void>;
  readonly now: () => number;
  /** A line for the person watching (progress view). */
  readonly note: (line: string) => void;
  /** Awaited as in-flight work, so a run does not end before its images are recorded. */
  readonly recordImage: (cmd: RecordImage) => void | Promise<void>;
  /** Slots shared with other runs of the same `hyperp run`; default: `parallel` of its own. */
  readonly slots?: Slots;
  /**
   * Why a launch waiting for a slot should not start, if its stop was asked for meanwhile (the
   * reducer holds that stop until the launch is answered): the state's answer, from the driver.
   */
  readonly stopPending?: (cmd: RunTask) => string | undefined;
  /**
   * For a task this process never started that a crashed process had running (its sandbox died
   * with it): when it ran, from its RUNNING state to the crashed driver's last event, and the
   * task definition it ran, so its STOPPED state bills that time as Fargate would.
   */
  readonly diedWithDriver?: (startedBy: string) => { readonly from: number; readonly to: number; readonly taskDefinitionArn: string } | undefined;
  readonly secrets?: RunSecrets;
}

export interface Interpreter {
  readonly carryOut: (cmd: Command) => void;
  /** Work started and not finished (tasks, builds, zips, timers don't count). */
  readonly busy: () => number;
  /** Wake-ups set and not yet fired. */
  readonly timers: () => number;
  /** Resolves when nothing is in flight. */
  readonly idle: () => Promise<void>;
  /** Stops everything still running (the process is going away). */
  readonly shutdown: (reason: string) => void;
}

const localTaskArn = (clientToken: string): string => `local:task/${clientToken.slice(0, 32)}`;

export const interpreter = (o: InterpreterOptions): Interpreter => {
  const pool = o.slots ?? makeSlots(Math.max(1, o.parallel));
  const started = new Set<string>();
  const running = new Map<string, RunningTask>();
  const queued = new Map<string, { cancel: () => boolean; cmd: RunTask }>();
  const builds = new Set<string>();
  /** Builds under way, by image key: a stop aborts them. */
  const buildStops = new Map<string, AbortController>();
  const timers = new Map<number, NodeJS.Timeout>();
  /** Zips under way: a shutdown cancels them. */
  const zips = new Set<AbortController>();
  const taskDefs = new Map<string, TaskDefinition>();
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];
  let skippedRunsNoted = false;
  let limitsNoted = false;

  const settle = () => {
    inFlight--;
    if (inFlight === 0) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const f of w) f();
    }
  };
  const guarded = async (f: () => Promise<void>): Promise<void> => {
    try {
      await f();
    } catch (e) {
      o.note(`internal error: ${(e as Error).stack ?? String(e)}`);
    }
  };
  /** Runs `f` now, counted as in flight until it ends. */
  const track = (f: () => Promise<void>): void => {
    inFlight++;
    void guarded(f).finally(settle);
  };
  /** Runs `f` when a `--parallel` slot frees; counted as in flight from now. */
  const enqueue = (f: () => Promise<void>): { cancel: () => boolean } => {
    inFlight++;
    const ticket = pool.submit(() => guarded(f).finally(settle));
    return {
      cancel: () => {
        const dropped = ticket.cancel();
        if (dropped) settle();
        return dropped;
      },
    };
  };

  const taskDefinitionOf = (arn: string): TaskDefinition | undefined => {
    const known = taskDefs.get(arn);
    if (known) return known;
    // After a resume the map is empty: the ARN names the file the registration wrote.
    const family = arn.replace(/^local:task-definition\//, '').replace(/:[0-9]+$/, '');
    const file = taskDefinitionFile(o.layout, o.runId, family);
    if (!existsSync(file)) return undefined;
    let td: TaskDefinition;
    try {
      td = JSON.parse(readFileSync(file, 'utf8')) as TaskDefinition;
    } catch (e) {
      throw new Error(`task definition ${file} is not valid JSON: ${(e as Error).message}`);
    }
    taskDefs.set(arn, td);
    return td;
  };

  /** The STOPPED state of a task stopped before it started. */
  const neverStarted = (startedBy: string, taskArn: string | null, reason: string): RunEvent =>
    taskStopped(o.now(), startedBy, taskArn ?? 'local:task/never-started', {}, { stopCode: 'UserInitiated', stoppedReason: reason });

  /** The STOPPED state of a task that is not running in this process: it died with a crashed driver, or never started. */
  const notRunningHere = (startedBy: string, taskArn: string | null, reason: string): RunEvent => {
    const died = o.diedWithDriver?.(startedBy);
    let td: TaskDefinition | undefined;
    try {
      td = died === undefined ? undefined : taskDefinitionOf(died.taskDefinitionArn);
    } catch {
      td = undefined; // an unreadable definition: report the stop without usage rather than not at all
    }
    if (died === undefined || td === undefined) return neverStarted(startedBy, taskArn, reason);
    const stopped = taskStopped(o.now(), startedBy, taskArn ?? 'local:task/never-started', {}, {
      ...taskSize(td), pullStartedAt: died.from, startedAt: died.from, stopCode: 'UserInitiated',
      stoppedReason: `${reason} (it had stopped with the hyperp process that ran it)`,
    });
    return { ...stopped, stoppedAt: died.to };
  };

  const runTask = (cmd: RunTask) => {
    if (started.has(cmd.attemptKey)) return;
    started.add(cmd.attemptKey);
    const entry = { cancel: (): boolean => false, cmd };
    queued.set(cmd.attemptKey, entry);
    const ticket = enqueue(async () => {
      queued.delete(cmd.attemptKey);
      const stopped = o.stopPending?.(cmd);
      if (stopped !== undefined) {
        await o.emit([neverStarted(cmd.startedBy, null, stopped)]);
        return;
      }
      const rejected = (reason: string) => o.emit([{ _tag: 'TaskLaunchRejected', at: o.now(), startedBy: cmd.startedBy, reason, retryable: false }]);
      const taskArn = localTaskArn(cmd.clientToken);
      let launch;
      let secrets: TaskSecrets | undefined;
      try {
        const td = taskDefinitionOf(cmd.taskDefinitionArn);
        if (!td) {
          await rejected(`task definition ${cmd.taskDefinitionArn} is unknown`);
          return;
        }
        const planned = launchPlan(td, cmd, o.layout.artifactsDir, o.repository);
        const logFile = taskLogFile(o.layout, o.runId, cmd.job, cmd.index, cmd.attempt);
        mkdirSync(dirname(logFile), { recursive: true });
        if (planned.notes.length > 0) writeFileSync(logFile, planned.notes.map((n) => `hyperp: ${n}\n`).join(''), { flag: 'a' });
        const specs = o.secrets?.forJob(cmd.job) ?? [];
        secrets = specs.length === 0 ? undefined : writeTaskSecrets(planned.containers.map((c) => c.name), specs, o.secrets!.values, o.secrets!.from);
        const plan = secrets === undefined ? planned : {
          ...planned,
          containers: planned.containers.map((c) => ({ ...c, secretsDir: secrets!.dirs.get(c.name)!, environment: { ...c.environment, ...secrets!.env } })),
        };
        launch = { size: taskSize(td), plan, logFile };
      } catch (e) {
        // A launch that cannot even be prepared (a corrupt file, a full disk) fails its attempt rather than hanging it.
        secrets?.remove();
        await rejected(`hyperp could not start the task: ${(e as Error).message}`);
        return;
      }
      const { size, plan, logFile } = launch;
      const t0 = o.now();
      const task = o.engine.run({
        attemptKey: cmd.attemptKey, containers: plan.containers, memoryMiB: size.memory, network: o.network, logFile,
        ...(o.secrets && o.secrets.mask.length > 0 ? { mask: o.secrets.mask } : {}),
      });
      running.set(cmd.attemptKey, task);
      if (!limitsNoted) {
        // Once per run, as the host decides it, not once per task.
        limitsNoted = true;
        const missing = o.engine.unenforcedLimits?.() ?? [];
        if (missing.length > 0) o.note(`note: this host cannot enforce every task limit; not enforced: ${missing.join(', ')} (see docs/local.md)`);
      }
      await o.emit([
        { _tag: 'TaskLaunchAccepted', at: t0, startedBy: cmd.startedBy, taskArn },
        taskRunning(t0, cmd.startedBy, taskArn, plan.containers.map((c) => c.name), { ...size, pullStartedAt: t0, startedAt: t0 }),
      ]);
      const exit = await task.done;
      secrets?.remove();
      running.delete(cmd.attemptKey);
      const codes = Object.fromEntries(exit.containers.map((c) => [c.name, c.exitCode]));
      const stoppedEvent = taskStopped(exit.stoppedAt, cmd.startedBy, taskArn, codes, {
        ...size, pullStartedAt: t0, startedAt: exit.stopCode === 'TaskFailedToStart' ? null : t0, stopCode: exit.stopCode, stoppedReason: exit.stoppedReason,
      });
      // Each container's reason (OutOfMemoryError…), as ECS reports it with the exit code.
      const reasons = new Map(exit.containers.map((c) => [c.name, c.reason]));
      await o.emit([{ ...stoppedEvent, containers: stoppedEvent.containers.map((c) => ({ ...c, reason: reasons.get(c.name) ?? null })) }]);
    });
    entry.cancel = ticket.cancel;
  };

  const stoppedBeforeItBegan = (key: string, reason: string): RunEvent =>
    ({ _tag: 'ImageBuildFailed', at: o.now(), key, reason: `the build was stopped before it began: ${reason}`, usage: null });

  /** The engine's build, once its stop handle is registered. */
  const buildNow = async (cmd: BuildImage, signal: AbortSignal) => {
    const src = o.source.context(cmd.dockerfilePath, cmd.context, cmd.key);
    if ('error' in src) {
      await o.emit([{ _tag: 'ImageBuildFailed', at: o.now(), key: cmd.key, reason: src.error, usage: null }]);
      return;
    }
    const logFile = buildLogFile(o.layout, o.runId, cmd.key);
    const r = await o.engine
      .build({ key: cmd.key, dockerfilePath: cmd.dockerfilePath, context: cmd.context, dockerfile: src.dockerfile, files: src.files, logFile, signal });
    if (r._tag === 'Built' && r.skippedRuns > 0 && !skippedRunsNoted) {
      skippedRunsNoted = true;
      o.note(`note: the process engine does not execute Dockerfile RUN steps; the host provides the runtime (see ${logFile})`);
    }
    await o.emit([
      r._tag === 'Built'
        ? { _tag: 'ImageBuildSucceeded', at: o.now(), key: cmd.key, imageUri: cmd.imageUri, usage: null }
        : { _tag: 'ImageBuildFailed', at: o.now(), key: cmd.key, reason: r.reason, usage: null },
    ]);
  };

  const buildImage = (cmd: BuildImage) => {
    if (builds.has(cmd.key)) return;
    builds.add(cmd.key);
    // Stoppable from now: the reducer answers ImageBuildStarted with a stop it held meanwhile,
    // and the driver carries that out before the append of ImageBuildStarted returns.
    const stop = new AbortController();
    buildStops.set(cmd.key, stop);
    enqueue(async () => {
      try {
        await o.emit([{ _tag: 'ImageBuildStarted', at: o.now(), key: cmd.key, taskArn: null }]);
        if (stop.signal.aborted) {
          await o.emit([stoppedBeforeItBegan(cmd.key, String(stop.signal.reason))]);
          return;
        }
        await buildNow(cmd, stop.signal).catch((e: unknown) =>
          // A build that throws (a file gone from the working tree, a full disk) fails rather than hangs.
          o.emit([{ _tag: 'ImageBuildFailed', at: o.now(), key: cmd.key, reason: `hyperp could not build the image: ${(e as Error).message}`, usage: null }]));
      } finally {
        buildStops.delete(cmd.key);
      }
    });
  };

  const carryOut = (cmd: Command): void => {
    switch (cmd._tag) {
      case 'EnsureDirectories':
        track(async () => {
          try {
            for (const p of cmd.paths) mkdirSync(join(o.layout.artifactsDir, p), { recursive: true });
            // The run's own files (inputs.json): paths hyperp made, in folders it just made.
            for (const f of cmd.files ?? []) writeFileSync(join(o.layout.artifactsDir, f.path), f.text);
            await o.emit([{ _tag: 'DirectoriesEnsured', at: o.now() }]);
          } catch (e) {
            await o.emit([{ _tag: 'DirectoriesFailed', at: o.now(), reason: (e as Error).message }]);
          }
        });
        return;
      case 'RegisterTaskDefinition':
        track(async () => {
          const file = taskDefinitionFile(o.layout, o.runId, cmd.family);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, JSON.stringify(cmd.taskDefinition, null, 2) + '\n');
          const arn = `local:task-definition/${cmd.family}:1`;
          // Rendered definitions are read-only views of the same JSON shape.
          taskDefs.set(arn, cmd.taskDefinition as unknown as TaskDefinition);
          await o.emit([{ _tag: 'TaskDefinitionRegistered', at: o.now(), job: cmd.job, taskDefinitionArn: arn }]);
        });
        return;
      case 'BuildImage':
        buildImage(cmd);
        return;
      case 'RunTask':
        runTask(cmd);
        return;
      case 'StopTask': {
        // A build's key is `{runId}/build:{imageKey}/{attempt}`: its end comes as an ImageBuild* event.
        const build = /\/build:([^/]+)\//.exec(cmd.attemptKey);
        if (build) {
          const key = decodeURIComponent(build[1]!);
          const under = buildStops.get(key);
          if (under) under.abort(cmd.reason);
          else if (!builds.has(key)) {
            // Not under way in this process (a resumed run): it is not running anywhere.
            builds.add(key);
            track(() => o.emit([stoppedBeforeItBegan(key, cmd.reason)]));
          }
          return;
        }
        const live = running.get(cmd.attemptKey);
        if (live) {
          live.stop(cmd.reason);
          return;
        }
        const waiting = queued.get(cmd.attemptKey);
        if (waiting && waiting.cancel()) {
          queued.delete(cmd.attemptKey);
          track(() => o.emit([neverStarted(cmd.startedBy, cmd.taskArn, cmd.reason)]));
          return;
        }
        if (!started.has(cmd.attemptKey)) {
          // Not running in this process (a resumed run): it is not running anywhere.
          started.add(cmd.attemptKey);
          track(() => o.emit([notRunningHere(cmd.startedBy, cmd.taskArn, cmd.reason)]));
        }
        return;
      }
      case 'CreateDownloadable':
        track(async () => {
          const zip = join(o.layout.downloadsDir, cmd.objectKey);
          // Streamed, so the run goes on while a big output is zipped; a shutdown cancels it.
          const stop = new AbortController();
          zips.add(stop);
          try {
            const r = await zipDirectory(join(o.layout.artifactsDir, cmd.sourcePath), zip, { signal: stop.signal });
            for (const line of zipNotes(cmd.job, r.notes)) o.note(line);
            await o.emit([{ _tag: 'DownloadableReady', at: o.now(), job: cmd.job, location: zip, bytes: r.bytes }]);
          } catch (e) {
            // A cancelled zip is not a failed one: the run resumes it.
            if (stop.signal.aborted) return;
            await o.emit([{ _tag: 'DownloadableFailed', at: o.now(), job: cmd.job, reason: (e as Error).message }]);
          } finally {
            zips.delete(stop);
          }
        });
        return;
      case 'RecordImage':
        track(async () => o.recordImage(cmd));
        return;
      case 'ScheduleWakeup': {
        if (timers.has(cmd.at)) return;
        const timer = setTimeout(() => {
          timers.delete(cmd.at);
          track(() => o.emit([{ _tag: 'Tick', at: Math.max(o.now(), cmd.at) }]));
        }, Math.max(0, cmd.at - o.now()));
        timers.set(cmd.at, timer);
        return;
      }
      case 'DeregisterTaskDefinitions':
      case 'SetCommitStatus':
        // Nothing is registered with a service locally, and there is no commit status to set.
        return;
    }
  };

  return {
    carryOut,
    busy: () => inFlight,
    timers: () => timers.size,
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r))),
    shutdown: (reason) => {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      for (const t of running.values()) t.stop(reason);
      for (const z of zips) z.abort(new Error(reason));
    },
  };
};

export { runDir };
