/**
 * The `process` engine: builds lay out image directories (see `build/layout.ts`), tasks run each
 * container's command in its own sandbox — bubblewrap, or util-linux's programs where bubblewrap
 * is missing (unshare-sandbox.ts) — over a private copy of the image's files.
 * When an essential container exits, the task's other containers are stopped (as on ECS).
 */
import { SECRETS_DIR } from '@hyperp/core/internal';
import { closeSync, mkdirSync, openSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseRecipe } from '../build/recipe.js';
import { accountFile, layoutImage, readHostAccounts, readImageFolder, removeOrphanImageTemps, type ImageConfig } from '../build/layout.js';
import { resolveUser, startError, type ImageUser } from '../build/user.js';
import { copyTreeContained } from '../fs/contained.js';
import { makeScratch, removeOrphanScratch } from '../fs/scratch.js';
import { containerCommand, DEFAULT_PATH } from './command.js';
import { ALIAS_DIR, imageRuntime, runtimeAliases, runtimeNotice } from './host-runtime.js';
import { detectCgroups, removeOrphanCgroups, taskCgroups, unenforced, type CgroupHost, type ContainerCgroup } from './limits.js';
import { bwrapArgs, launcherArgs, sandboxMounts } from './sandbox.js';
import { findProgram } from './host-sandbox.js';
import { jobArgs, SANDBOX_PATH, SandboxPlanError, unshareCommand, unshareOps, type SandboxName } from './unshare-sandbox.js';
import { watchdogMarker } from './watchdog.js';
import { supervise, type ProcessExit, type Supervised } from './supervise.js';
import { containerLabel, OUT_OF_MEMORY_REASON, type BuildOutcome, type BuildRequest, type ContainerExit, type Engine, type RunningTask, type TaskExit, type TaskLaunch } from './types.js';

export interface ProcessEngineOptions {
  /** `.hyperp/images` */
  readonly imagesDir: string;
  /** Scratch space for per-task copies of image files (`.hyperp/tmp`). */
  readonly scratchDir: string;
  /** Which sandbox runs each container (default: bubblewrap). */
  readonly sandbox?: SandboxName;
  readonly bwrap?: string;
  /** The host's cgroups (default: detected); tests pass one without any to run unlimited. */
  readonly cgroups?: CgroupHost;
}

/** How often a container's cgroup is checked for an out-of-memory kill (cgroup v1 has no group kill). */
const OOM_POLL_MS = 200;

/**
 * The user a container runs as: the task definition's `user` when it gives one (it overrides the
 * image's USER, as on ECS), looked up as the image's USER was (the image's /etc/passwd and
 * /etc/group, else the host's); else the image's USER, resolved when it was laid out.
 */
const containerUser = (spec: string | undefined, image: ImageConfig, rootfs: string): ImageUser | undefined | { readonly reason: string } => {
  if (spec === undefined) return image.user;
  const host = readHostAccounts();
  const user = resolveUser(spec, accountFile(rootfs, 'passwd', host.passwd), accountFile(rootfs, 'group', host.group));
  return 'error' in user ? { reason: `CannotStartContainerError: ${startError(user)}` } : user;
};

/** The image of `key` when hyperp made it (see `readImageFolder`); why not, otherwise. */
const readConfig = (imagesDir: string, key: string): { config: ImageConfig; rootfs: string } | { reason: string } => {
  const folder = readImageFolder(imagesDir, key);
  if (folder._tag === 'Trusted') return folder;
  if (folder._tag === 'Untrusted') return { reason: folder.reason };
  return { reason: `image ${key} is not in the local image store; the process engine runs images built from a dockerfilePath (use --engine docker for registry images)` };
};

export const processEngine = (opts: ProcessEngineOptions): Engine => {
  const sandbox = opts.sandbox ?? 'bwrap';
  const bwrap = opts.bwrap ?? 'bwrap';
  const unshare = findProgram('unshare') ?? 'unshare';
  removeOrphanScratch(opts.scratchDir);
  removeOrphanImageTemps(opts.imagesDir);
  const cgroups = opts.cgroups ?? detectCgroups();
  removeOrphanCgroups(cgroups);
  const setpriv = findProgram('setpriv');

  const build = async (req: BuildRequest): Promise<BuildOutcome> => {
    const recipe = parseRecipe(req.dockerfile);
    if (recipe._tag === 'RecipeError') return { _tag: 'BuildFailed', reason: `${req.dockerfilePath}: ${recipe.message}` };
    const laid = layoutImage(recipe.recipe, req.files, opts.imagesDir, req.key);
    if (laid._tag === 'LayoutError') return { _tag: 'BuildFailed', reason: `${req.dockerfilePath}: ${laid.message}` };
    const c = laid.config;
    mkdirSync(dirname(req.logFile), { recursive: true });
    const lines = [
      `process engine: laid out ${c.files.length} file(s) of ${req.context || '.'} for ${req.dockerfilePath} (base ${c.baseImage})`,
      ...c.files.map((f) => `  ${f}`),
      ...c.skippedRuns.map((r) => `RUN not executed (the host provides the runtime): ${r}`),
      ...c.warnings,
    ];
    // Which host runtime serves the image (the run says it once, with a version it does not match).
    const rt = imageRuntime(c.baseImage);
    if (rt !== undefined) lines.splice(1 + c.files.length, 0, `process engine: ${runtimeNotice(req.dockerfilePath, c.baseImage, rt).note}`);
    const fd = openSync(req.logFile, 'a');
    writeSync(fd, lines.join('\n') + '\n');
    closeSync(fd);
    return { _tag: 'Built', imageRef: req.key, notes: c.warnings, skippedRuns: c.skippedRuns.length };
  };

  const run = (task: TaskLaunch): RunningTask => {
    const startedAt = Date.now();
    mkdirSync(dirname(task.logFile), { recursive: true });
    const logFd = openSync(task.logFile, 'a');
    const scratch = makeScratch(opts.scratchDir, startedAt);
    const procs: { name: string; essential: boolean; sup?: Supervised; early?: ContainerExit; cg?: ContainerCgroup }[] = [];
    const log = (s: string) => writeSync(logFd, s + '\n');
    let cgs: ReturnType<typeof taskCgroups> | undefined;

    for (const [index, c] of task.containers.entries()) {
      const stored = readConfig(opts.imagesDir, c.image);
      if ('reason' in stored) {
        procs.push({ name: c.name, essential: c.essential, early: { name: c.name, exitCode: null, reason: stored.reason } });
        continue;
      }
      const user = containerUser(c.user, stored.config, stored.rootfs);
      if (user !== undefined && 'reason' in user) {
        procs.push({ name: c.name, essential: c.essential, early: { name: c.name, exitCode: null, reason: user.reason } });
        continue;
      }
      const image: ImageConfig = { ...stored.config, ...(user === undefined ? {} : { user }) };
      const cmd = containerCommand(
        {
          name: c.name,
          ...(c.entryPoint ? { entryPoint: [...c.entryPoint] } : {}),
          ...(c.command ? { command: [...c.command] } : {}),
          ...(c.workingDirectory ? { workingDirectory: c.workingDirectory } : {}),
        },
        image,
        c.environment,
      );
      if (cmd._tag === 'NoCommand') {
        procs.push({ name: c.name, essential: c.essential, early: { name: c.name, exitCode: null, reason: cmd.message } });
        continue;
      }
      // A private, writable copy of the image's files: a task may write next to its code, as in
      // a container, without changing the image other tasks use.
      const dir = join(scratch, c.name.replace(/[^A-Za-z0-9._-]/g, '_'));
      const root = join(dir, 'rootfs');
      mkdirSync(root, { recursive: true });
      // lstat semantics: links stay links inside the sandbox; one at the top would become a host bind.
      for (const skipped of copyTreeContained(stored.rootfs, root, { topLevelLinks: false })) log(`hyperp: not copied into the task: ${skipped}`);
      // `python` for a python image whose host has only `python3` (see host-runtime.ts).
      const aliases = runtimeAliases(image.baseImage);
      if (aliases.length > 0) {
        mkdirSync(join(root, ALIAS_DIR), { recursive: true });
        for (const a of aliases) symlinkSync(a.target, join(root, ALIAS_DIR, a.name));
      }
      const spec = {
        imageRoot: root,
        workdir: cmd.workdir,
        argv: cmd.argv,
        env: aliases.length > 0 ? { ...cmd.env, PATH: `/${ALIAS_DIR}:${cmd.env['PATH'] ?? DEFAULT_PATH}` } : cmd.env,
        binds: c.secretsDir === undefined ? c.binds : [...c.binds, { host: c.secretsDir, sandbox: SECRETS_DIR, readOnly: true }],
        network: task.network,
        tmpMiB: c.limits.tmpMiB,
        marker: watchdogMarker(),
        ...(image.user === undefined ? {} : { user: image.user }),
      };
      let command: string[];
      try {
        if (sandbox === 'bwrap') command = [bwrap, ...bwrapArgs(spec)];
        else {
          // Empty, for the sandbox's staging root (a tmpfs there, seen only inside).
          const stage = join(dir, 'stage');
          mkdirSync(stage);
          command = unshareCommand({
            unshare, network: task.network, marker: spec.marker, stage, ops: unshareOps(sandboxMounts(spec)),
            job: jobArgs(spec.workdir, spec.user, spec.env, spec.argv),
          });
        }
      } catch (e) {
        if (!(e instanceof SandboxPlanError)) throw e;
        procs.push({ name: c.name, essential: c.essential, early: { name: c.name, exitCode: null, reason: e.message } });
        continue;
      }
      let cg: ContainerCgroup | undefined;
      try {
        cgs ??= taskCgroups(cgroups, task.memoryMiB);
        cg = cgs.container(index, c.limits);
      } catch (e) {
        procs.push({ name: c.name, essential: c.essential, early: { name: c.name, exitCode: null, reason: `hyperp could not make the container's cgroup: ${(e as Error).message}` } });
        continue;
      }
      const launch = launcherArgs({ ...(setpriv ? { setpriv } : {}), parentPid: process.pid, cgroupProcs: cg.procs }, command);
      procs.push({
        name: c.name, essential: c.essential, cg,
        sup: supervise(launch.file, launch.args, {
          logFd, graceMs: c.stopTimeoutSeconds * 1000, politeTarget: 'sandboxed', ...(task.containers.length > 1 ? { label: containerLabel(c.name) } : {}),
          ...(task.mask ? { mask: task.mask } : {}),
          // The util-linux sandbox's own programs see none of hyperp's environment (bubblewrap clears it itself).
          ...(sandbox === 'unshare' ? { env: { PATH: SANDBOX_PATH } } : {}),
        }),
      });
    }
    // cgroup v1 kills only the process it chose: the whole container goes, as on ECS (v2 does this itself).
    const oomWatch = cgroups.version === 1 && cgroups.memory
      ? setInterval(() => {
        for (const p of procs) if (p.cg?.oomKilled()) p.cg.kill();
      }, OOM_POLL_MS)
      : undefined;
    oomWatch?.unref();

    let stopReason: string | undefined;
    const stopAll = (reason: string) => {
      for (const p of procs) p.sup?.stop(reason);
    };
    const done = (async (): Promise<TaskExit> => {
      // An essential container that could not start stops the task, as on ECS.
      const failedEarly = procs.find((p) => p.early && p.essential);
      if (failedEarly) stopAll(failedEarly.early!.reason ?? 'container failed to start');
      let essentialExited: string | undefined;
      const exits = await Promise.all(
        procs.map(async (p): Promise<ContainerExit> => {
          if (p.early) return p.early;
          const r: ProcessExit = await p.sup!.done;
          const oom = p.cg?.oomKilled() === true;
          if (oom) p.cg!.kill();
          if (p.essential && !stopReason && !essentialExited) {
            essentialExited = p.name;
            stopAll(`essential container ${p.name} exited`);
          }
          const reason = r.spawnError ?? (oom ? OUT_OF_MEMORY_REASON : r.stoppedBy ? (r.stopReason ?? null) : null);
          return { name: p.name, exitCode: r.spawnError ? null : r.exitCode, reason };
        }),
      );
      clearInterval(oomWatch);
      cgs?.remove();
      closeSync(logFd);
      rmSync(scratch, { recursive: true, force: true });
      const stoppedAt = Date.now();
      if (failedEarly) {
        return { containers: exits, stopCode: 'TaskFailedToStart', stoppedReason: failedEarly.early!.reason ?? '', startedAt, stoppedAt };
      }
      if (stopReason) return { containers: exits, stopCode: 'UserInitiated', stoppedReason: stopReason, startedAt, stoppedAt };
      return { containers: exits, stopCode: 'EssentialContainerExited', stoppedReason: `Essential container in task exited`, startedAt, stoppedAt };
    })();
    return {
      done,
      stop: (reason: string) => {
        if (stopReason) return;
        stopReason = reason;
        stopAll(reason);
      },
    };
  };

  return { name: 'process', sandbox, build, run, unenforcedLimits: () => unenforced(cgroups) };
};
