/**
 * The `docker` and `podman` engines: one CLI, two names. A build sends the filtered context
 * (written to a scratch folder, so `.dockerignore` is applied exactly as for the image key) to
 * `build`. A task's container is created (hardened: see container-args.ts), started attached,
 * inspected for its exit code and an out-of-memory kill, and removed; it is stopped with
 * `stop -t <stopTimeout>` (SIGTERM, then SIGKILL), as ECS does. Create and start are two steps so
 * that a hyperp killed at any moment leaves nothing running: whatever it created carries its
 * owner, and its reaper (container-owner.ts) removes it.
 */
import { closeSync, existsSync, fstatSync, readdirSync, readSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, chmodSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { makeScratch, removeOrphanScratch } from '../fs/scratch.js';
import { supervise, type Supervised } from './supervise.js';
import { capture, lastLine } from './capture.js';
import { containerCreateArgs, USERNS_BASE, type CreateOptions } from './container-args.js';
import { SECRETS_DIR } from '@hyperp/core/internal';
import { handSecrets } from '../secrets/task-files.js';
import { shareFolder, shareGroup, userResolver } from './container-user.js';
import { removeOrphans, selfOwner, startReaper } from './container-owner.js';
import { containerLabel, OUT_OF_MEMORY_REASON } from './types.js';
import type { BuildOutcome, BuildRequest, ContainerExit, ContainerLaunch, Engine, RunningTask, TaskExit, TaskLaunch } from './types.js';

/** How long to wait before stopping again a container that was not there to stop. */
const STOP_RETRY_MS = 500;

export interface ContainerEngineOptions {
  readonly cli: 'docker' | 'podman';
  readonly scratchDir: string;
  /** Local image name; an image is `${repository}:${key}`. */
  readonly repository?: string;
}

export interface ContainerEngine extends Engine {
  /** Settles once containers of dead hyperp processes are removed and the host's limits known. */
  readonly ready: Promise<void>;
}

const exec = (file: string, args: readonly string[], logFile: string, signal?: AbortSignal): Promise<number | null> =>
  new Promise((resolve) => {
    mkdirSync(dirname(logFile), { recursive: true });
    const fd = openSync(logFile, 'a');
    const child = spawn(file, [...args], { stdio: ['ignore', fd, fd], ...(signal ? { signal, killSignal: 'SIGTERM' as const } : {}) });
    child.once('error', () => { closeSync(fd); resolve(null); });
    child.once('exit', (code) => { closeSync(fd); resolve(code); });
  });

/** This process's hard limit of `name` in /proc/self/limits ("Max open files"), if finite. */
const hardLimit = (name: string): number | undefined => {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(name));
    const hard = Number(line?.slice(name.length).trim().split(/\s+/)[1]);
    return Number.isInteger(hard) && hard > 0 ? hard : undefined;
  } catch {
    return undefined;
  }
};

/** What the engine's host enforces, from its `info`: the limits it cannot, as phrases for a notice. */
const unenforcedOn = async (cli: 'docker' | 'podman'): Promise<string[]> => {
  if (cli === 'docker') {
    const r = await capture(cli, ['info', '--format', '{{.MemoryLimit}} {{.SwapLimit}} {{.PidsLimit}}']);
    const [memory, swap, pids] = r.stdout.trim().split(' ');
    if (r.code !== 0) return [];
    return [
      ...(memory !== 'true' ? ['memory (the docker daemon has no memory cgroup)'] : []),
      ...(memory === 'true' && swap !== 'true' ? ['memory without swap (the kernel does not limit swap; swap may add to the memory limit)'] : []),
      ...(pids !== 'true' ? ['process count (the docker daemon has no pids cgroup)'] : []),
    ];
  }
  const r = await capture(cli, ['info', '--format', '{{.Host.CgroupsVersion}} {{.Host.Security.Rootless}} {{json .Host.CgroupControllers}}']);
  if (r.code !== 0) return [];
  const [version, rootless, controllersJson] = r.stdout.trim().split(' ');
  let controllers: string[] = [];
  try { controllers = JSON.parse(controllersJson ?? '[]') as string[]; } catch { /* none */ }
  const missing = (c: string) => (version === 'v1' && rootless === 'true') || !controllers.includes(c);
  return [
    ...(missing('memory') ? ['memory (podman has no memory cgroup here; rootless podman needs cgroup v2 with the memory controller delegated)'] : []),
    ...(missing('pids') ? ['process count (podman has no pids cgroup here; rootless podman needs cgroup v2 with the pids controller delegated)'] : []),
  ];
};

/** Whether the docker daemon runs every container in its own user namespace (`userns-remap`). */
const userNamespaceRemap = async (cli: 'docker' | 'podman'): Promise<boolean> => {
  if (cli !== 'docker') return false;
  const r = await capture(cli, ['info', '--format', '{{json .SecurityOptions}}']);
  return r.code === 0 && /name=userns/.test(r.stdout);
};

/** How much of a failed build's log is read for a known cause (its end holds the error). */
const BUILD_LOG_TAIL_BYTES = 8192;

/**
 * A base image that cannot be pulled (no registry reachable: offline, a closed network) is the
 * most common reason a first local build fails; the process engine needs no registry.
 */
const registryHint = (logFile: string): string => {
  let tail = '';
  try {
    const fd = openSync(logFile, 'r');
    try {
      const size = fstatSync(fd).size;
      const buf = Buffer.alloc(Math.min(size, BUILD_LOG_TAIL_BYTES));
      readSync(fd, buf, 0, buf.length, size - buf.length);
      tail = buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
  return /(dial tcp|lookup \S+.*(no such host|server misbehaving)|i\/o timeout|connection refused|TLS handshake timeout|pinging container registry|initializing source docker:)/i.test(tail)
    ? ' (the image registry could not be reached to pull the base image; --engine process needs none)'
    : '';
};

export const containerEngine = (opts: ContainerEngineOptions): ContainerEngine => {
  const repo = opts.repository ?? 'hyperp-local';
  const owner = selfOwner();
  const rootful = process.getuid?.() === 0;
  const nofile = hardLimit('Max open files');
  const nproc = hardLimit('Max processes');
  // Who each container runs as, and the group through which it writes its task's folders (container-user.ts).
  const resolveUser = userResolver(opts.cli, owner, repo);
  const group = shareGroup(opts.cli, process.getuid?.() ?? 0, process.getgid?.() ?? 0, opts.cli === 'podman' && rootful);
  // Rootful podman only: docker's daemon and rootless podman hand containers limits they can set.
  const createOptions = (attemptKey: string, network: boolean): CreateOptions => ({
    cli: opts.cli, network, owner, attemptKey, ...(remapped ? {} : { groupAdd: group.container }),
    mapUsers: opts.cli === 'podman' && rootful,
    ...(opts.cli === 'podman' && rootful ? { rlimits: { nofile: Math.min(nofile ?? 1024, 1048576), nproc: nproc ?? 4096 } } : {}),
  });
  let unenforced: readonly string[] = [];
  /**
   * A docker daemon with `userns-remap` maps containers' gids to a range of its own, where the
   * share group is not: there the folders keep their owner and no group is added (a non-root
   * user writes them only where the remapped uid owns them, as before).
   */
  let remapped = false;
  startReaper(opts.cli, owner);
  const ready = (async () => {
    removeOrphanScratch(opts.scratchDir); // build contexts a crashed hyperp left
    await removeOrphans(opts.cli);
    unenforced = await unenforcedOn(opts.cli);
    remapped = await userNamespaceRemap(opts.cli);
  })();

  const build = async (req: BuildRequest): Promise<BuildOutcome> => {
    // A folder of this build's own: two runs of one command may build the same key at once.
    const scratch = makeScratch(opts.scratchDir);
    const dir = join(scratch, 'context');
    mkdirSync(dir);
    for (const f of req.files.files) {
      const target = join(dir, f);
      mkdirSync(dirname(target), { recursive: true });
      const link = req.files.link?.(f);
      // A link goes to docker as a link (never the file it points to): Docker copies it as one.
      if (link !== undefined) { symlinkSync(link, target); continue; }
      writeFileSync(target, req.files.read(f));
      chmodSync(target, req.files.mode(f) & 0o777);
    }
    const dockerfile = join(scratch, 'Dockerfile');
    writeFileSync(dockerfile, req.dockerfile);
    const code = await exec(opts.cli, ['build', '-t', `${repo}:${req.key}`, '-f', dockerfile, dir], req.logFile, req.signal);
    rmSync(scratch, { recursive: true, force: true });
    if (req.signal?.aborted) return { _tag: 'BuildFailed', reason: `${opts.cli} build of ${req.dockerfilePath} was stopped: ${String(req.signal.reason ?? '')}` };
    return code === 0
      ? { _tag: 'Built', imageRef: `${repo}:${req.key}`, notes: [], skippedRuns: 0 }
      : { _tag: 'BuildFailed', reason: `${opts.cli} build of ${req.dockerfilePath} failed (exit ${code}); see ${req.logFile}${registryHint(req.logFile)}` };
  };

  /** The container's own exit code and whether the kernel killed it for its memory. */
  const finalState = async (name: string): Promise<{ exitCode: number; oomKilled: boolean } | undefined> => {
    const r = await capture(opts.cli, ['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}}', name]);
    const [status, code, oom] = r.stdout.trim().split(' ');
    if (r.code !== 0 || (status !== 'exited' && status !== 'stopped')) return undefined;
    return { exitCode: Number(code), oomKilled: oom === 'true' };
  };

  /**
   * The container as created: its user resolved (a name the image does not know fails it here,
   * as Docker would at its start), its writable folders given to the share group, and its secrets
   * folder bound at /run/secrets with the files handed to its user.
   */
  const prepare = async (c: ContainerLaunch, imageRef: string, mapUsers: boolean): Promise<ContainerLaunch | { readonly reason: string }> => {
    const resolved = await resolveUser(c.user, imageRef);
    if (resolved !== undefined && 'reason' in resolved) return resolved;
    try {
      if (!remapped) for (const b of c.binds) if (!b.readOnly) shareFolder(b.host, group.host);
    } catch (e) {
      return { reason: `CannotCreateContainerError: hyperp could not make the task's folders writable for its user: ${(e as Error).message}` };
    }
    if (c.secretsDir === undefined) return c;
    const base = mapUsers ? USERNS_BASE : 0;
    // Rootless podman's root is the user running hyperp; its other users are that user's subuids.
    const rootlessRoot = opts.cli === 'podman' && !rootful && resolved?.user.uid === 0;
    const owner = resolved === undefined ? undefined
      : rootlessRoot ? { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 } : { uid: base + resolved.user.uid, gid: base + resolved.user.gid };
    handSecrets(c.secretsDir, readdirSync(c.secretsDir), owner);
    return { ...c, binds: [...c.binds, { host: c.secretsDir, sandbox: SECRETS_DIR, readOnly: true }] };
  };

  const run = (task: TaskLaunch): RunningTask => {
    const startedAt = Date.now();
    mkdirSync(dirname(task.logFile), { recursive: true });
    const logFd = openSync(task.logFile, 'a');
    // Named after the attempt (hashed: keys share long prefixes), so tasks started together never
    // clash, and a container of this attempt left by a hyperp that died is removed before the
    // attempt starts again.
    const tag = createHash('sha256').update(task.attemptKey).digest('hex').slice(0, 24);
    const containers = task.containers.map((c, i) => ({ c, name: `hyperp-${tag}-${i}` }));
    let stopReason: string | undefined;
    let essentialExited: string | undefined;
    let failedToStart: string | undefined;
    const ended = new Set<string>();
    const started = new Map<string, Supervised>();
    const halted = () => stopReason ?? (essentialExited ? `essential container ${essentialExited} exited` : failedToStart);
    /**
     * `stop` asks the daemon (SIGTERM, SIGKILL after -t); the client's own exit follows. A
     * container the daemon does not know yet is stopped again a moment later, until its client
     * has exited. One not started yet is never started (see `runOne`).
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
    const remove = (name: string) => capture(opts.cli, ['rm', '-f', name]);

    const runOne = async (p: (typeof containers)[number]): Promise<ContainerExit> => {
      const imageRef = p.c.image.includes(':') || p.c.image.includes('/') ? p.c.image : `${repo}:${p.c.image}`;
      const options = createOptions(task.attemptKey, task.network);
      const prepared = await prepare(p.c, imageRef, options.mapUsers);
      let reason: string | undefined;
      if ('reason' in prepared) {
        reason = prepared.reason;
        writeSync(logFd, `${reason}\n`);
      } else {
        const created = await capture(opts.cli, containerCreateArgs(p.name, prepared, imageRef, options));
        if (created.code !== 0) {
          writeSync(logFd, created.stderr);
          reason = `CannotCreateContainerError: ${opts.cli} create of container ${p.c.name} failed: ${lastLine(created)}`;
        }
      }
      if (reason !== undefined) {
        if (p.c.essential && !halted()) {
          failedToStart = reason;
          stopAll();
        }
        return { name: p.c.name, exitCode: null, reason };
      }
      const before = halted();
      if (before) {
        await remove(p.name);
        return { name: p.c.name, exitCode: null, reason: before };
      }
      // conmon (podman's monitor) of Debian 12 writes its out-of-memory mark as `oom` in the
      // directory it was started from, where podman 4.3 does not look: start it in an empty one.
      const conmonDir = join(opts.scratchDir, `${process.pid}-conmon-${p.name}`);
      mkdirSync(conmonDir, { recursive: true });
      const sup = supervise(opts.cli, ['start', '-a', p.name], {
        logFd, graceMs: (p.c.stopTimeoutSeconds + 5) * 1000, politeTarget: 'group', cwd: conmonDir, ...(task.mask ? { mask: task.mask } : {}),
        ...(task.containers.length > 1 ? { label: containerLabel(p.c.name) } : {}),
      });
      started.set(p.name, sup);
      const r = await sup.done;
      const state = await finalState(p.name);
      await remove(p.name);
      const oomMarked = existsSync(join(conmonDir, 'oom'));
      rmSync(conmonDir, { recursive: true, force: true });
      ended.add(p.name);
      if (p.c.essential && !halted()) {
        essentialExited = p.c.name;
        stopAll();
      }
      const stoppedFor = stopReason ?? (essentialExited && essentialExited !== p.c.name ? `essential container ${essentialExited} exited` : failedToStart ?? null);
      if (r.spawnError) return { name: p.c.name, exitCode: null, reason: r.spawnError };
      const exitCode = state?.exitCode ?? r.exitCode;
      // A job that outlived the kill of one of its processes and ended well is not out of memory.
      const outOfMemory = (state?.oomKilled === true || oomMarked) && exitCode !== 0;
      return { name: p.c.name, exitCode, reason: outOfMemory ? OUT_OF_MEMORY_REASON : stoppedFor };
    };

    const done = (async (): Promise<TaskExit> => {
      await ready;
      await Promise.all(containers.map((p) => remove(p.name)));
      const exits = await Promise.all(containers.map((p): Promise<ContainerExit> =>
        stopReason ? Promise.resolve({ name: p.c.name, exitCode: null, reason: stopReason }) : runOne(p)));
      closeSync(logFd);
      const stoppedAt = Date.now();
      if (stopReason) return { containers: exits, stopCode: 'UserInitiated', stoppedReason: stopReason, startedAt, stoppedAt };
      if (failedToStart) return { containers: exits, stopCode: 'TaskFailedToStart', stoppedReason: failedToStart, startedAt, stoppedAt };
      return { containers: exits, stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', startedAt, stoppedAt };
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

  return { name: opts.cli, build, run, ready, unenforcedLimits: () => unenforced };
};

/** The engine, once containers of dead hyperp processes are gone and the host's limits known. */
export const openContainerEngine = async (opts: ContainerEngineOptions): Promise<ContainerEngine> => {
  const engine = containerEngine(opts);
  await engine.ready;
  return engine;
};
