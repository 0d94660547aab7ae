/**
 * The `docker` and `podman` engines: one CLI, two names. A build sends the filtered context
 * (written to a scratch folder, so `.dockerignore` is applied exactly as for the image key) to
 * `build`; a task runs each container with `run --rm`, the task's folders as bind mounts (inputs
 * read-only), no network unless asked, and is stopped with `stop -t <stopTimeout>` (SIGTERM,
 * then SIGKILL), as ECS does.
 */
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, chmodSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { supervise, type Supervised } from './supervise.js';
import type { BuildOutcome, BuildRequest, ContainerExit, ContainerLaunch, Engine, RunningTask, TaskExit, TaskLaunch } from './types.js';

/** How long to wait before stopping again a container that was not there to stop. */
const STOP_RETRY_MS = 500;

export interface ContainerEngineOptions {
  readonly cli: 'docker' | 'podman';
  readonly scratchDir: string;
  /** Local image name; an image is `${repository}:${key}`. */
  readonly repository?: string;
}

/** `run` arguments for one container (pure, so its shape is tested without a daemon). */
export const containerRunArgs = (name: string, c: ContainerLaunch, imageRef: string, network: boolean): string[] => {
  const args = ['run', '--rm', '--name', name, '--stop-timeout', String(c.stopTimeoutSeconds)];
  if (!network) args.push('--network', 'none');
  for (const b of c.binds) args.push('--mount', `type=bind,source=${b.host},target=${b.sandbox}${b.readOnly ? ',readonly' : ''}`);
  for (const [k, v] of Object.entries(c.environment)) args.push('--env', `${k}=${v}`);
  if (c.workingDirectory) args.push('--workdir', c.workingDirectory);
  let command = c.command ? [...c.command] : [];
  if (c.entryPoint && c.entryPoint.length > 0) {
    // --entrypoint takes one program; the rest of an exec-form entryPoint leads the command.
    args.push('--entrypoint', c.entryPoint[0]!);
    command = [...c.entryPoint.slice(1), ...command];
  }
  args.push(imageRef, ...command);
  return args;
};

const exec = (file: string, args: readonly string[], logFile: string, signal?: AbortSignal): Promise<number | null> =>
  new Promise((resolve) => {
    mkdirSync(dirname(logFile), { recursive: true });
    const fd = openSync(logFile, 'a');
    const child = spawn(file, [...args], { stdio: ['ignore', fd, fd], ...(signal ? { signal, killSignal: 'SIGTERM' as const } : {}) });
    child.once('error', () => { closeSync(fd); resolve(null); });
    child.once('exit', (code) => { closeSync(fd); resolve(code); });
  });

export const containerEngine = (opts: ContainerEngineOptions): Engine => {
  const repo = opts.repository ?? 'hyperp-local';

  const build = async (req: BuildRequest): Promise<BuildOutcome> => {
    const dir = join(opts.scratchDir, `build-${req.key}-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    for (const f of req.files.files) {
      const target = join(dir, f);
      mkdirSync(dirname(target), { recursive: true });
      const link = req.files.link?.(f);
      // A link goes to docker as a link (never the file it points to): Docker copies it as one.
      if (link !== undefined) { symlinkSync(link, target); continue; }
      writeFileSync(target, req.files.read(f));
      chmodSync(target, req.files.mode(f) & 0o777);
    }
    const dockerfile = join(opts.scratchDir, `build-${req.key}-${process.pid}.Dockerfile`);
    writeFileSync(dockerfile, req.dockerfile);
    const code = await exec(opts.cli, ['build', '-t', `${repo}:${req.key}`, '-f', dockerfile, dir], req.logFile, req.signal);
    rmSync(dir, { recursive: true, force: true });
    rmSync(dockerfile, { force: true });
    if (req.signal?.aborted) return { _tag: 'BuildFailed', reason: `${opts.cli} build of ${req.dockerfilePath} was stopped: ${String(req.signal.reason ?? '')}` };
    return code === 0
      ? { _tag: 'Built', imageRef: `${repo}:${req.key}`, notes: [], skippedRuns: 0 }
      : { _tag: 'BuildFailed', reason: `${opts.cli} build of ${req.dockerfilePath} failed (exit ${code}); see ${req.logFile}` };
  };

  /** Runs `cli args` to its end, whatever its outcome. */
  const quietly = (args: readonly string[]): Promise<void> =>
    new Promise((resolve) => {
      spawn(opts.cli, [...args], { stdio: 'ignore' }).once('error', () => resolve()).once('exit', () => resolve());
    });

  const run = (task: TaskLaunch): RunningTask => {
    const startedAt = Date.now();
    mkdirSync(dirname(task.logFile), { recursive: true });
    const logFd = openSync(task.logFile, 'a');
    // Named after the attempt (hashed: keys share long prefixes), so tasks started together never
    // clash, and a container of this attempt left running by a hyperp that died (the daemon keeps
    // it without its client) is found and removed before the attempt starts again.
    const tag = createHash('sha256').update(task.attemptKey).digest('hex').slice(0, 24);
    const containers = task.containers.map((c, i) => ({ c, name: `hyperp-${tag}-${i}` }));
    let stopReason: string | undefined;
    const ended = new Set<string>();
    const started = new Map<string, Supervised>();
    /**
     * `stop` asks the daemon (SIGTERM, SIGKILL after -t); the client's own exit follows. A
     * container the daemon has not created yet ("No such container": its image is still being
     * pulled, say, while the essential container already failed) is stopped again a moment
     * later, until its client has exited.
     */
    const stopContainer = (p: (typeof containers)[number]) => {
      if (ended.has(p.name) || !started.has(p.name)) return;
      spawn(opts.cli, ['stop', '-t', String(p.c.stopTimeoutSeconds), p.name], { stdio: 'ignore' })
        .once('error', () => undefined)
        .once('exit', () => {
          if (!ended.has(p.name)) setTimeout(() => stopContainer(p), STOP_RETRY_MS);
        });
    };
    const stopAll = () => {
      for (const p of containers) stopContainer(p);
    };
    const done = (async (): Promise<TaskExit> => {
      await Promise.all(containers.map((p) => quietly(['rm', '-f', p.name])));
      let essentialExited: string | undefined;
      const exits = await Promise.all(containers.map(async (p): Promise<ContainerExit> => {
        if (stopReason) return { name: p.c.name, exitCode: null, reason: stopReason };
        const imageRef = p.c.image.includes(':') || p.c.image.includes('/') ? p.c.image : `${repo}:${p.c.image}`;
        const sup = supervise(opts.cli, containerRunArgs(p.name, p.c, imageRef, task.network), { logFd, graceMs: (p.c.stopTimeoutSeconds + 5) * 1000, politeTarget: 'group' });
        started.set(p.name, sup);
        const r = await sup.done;
        ended.add(p.name);
        if (p.c.essential && !essentialExited && !stopReason) {
          essentialExited = p.c.name;
          stopAll();
        }
        const stoppedFor = stopReason ?? (essentialExited && essentialExited !== p.c.name ? `essential container ${essentialExited} exited` : null);
        return { name: p.c.name, exitCode: r.spawnError ? null : r.exitCode, reason: r.spawnError ?? stoppedFor };
      }));
      closeSync(logFd);
      const stoppedAt = Date.now();
      return stopReason
        ? { containers: exits, stopCode: 'UserInitiated', stoppedReason: stopReason, startedAt, stoppedAt }
        : { containers: exits, stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', startedAt, stoppedAt };
    })();
    return {
      done,
      stop: (reason) => {
        if (stopReason) return;
        stopReason = reason;
        stopAll();
      },
    };
  };

  return { name: opts.cli, build, run };
};
