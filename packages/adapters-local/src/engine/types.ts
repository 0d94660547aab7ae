/**
 * The local engines behind one interface: `process` (image directories run in bubblewrap),
 * `docker` and `podman` (real images and containers). The driver turns `BuildImage` and
 * `RunTask` commands into these calls and their outcomes back into run events.
 */
import type { BuildContext } from '../build/layout.js';
import type { Bind } from './sandbox.js';
import { SANDBOX_LABEL, type SandboxName } from './unshare-sandbox.js';

export type EngineName = 'process' | 'docker' | 'podman';

export interface BuildRequest {
  readonly key: string;
  /** Repo path of the Dockerfile and of its context. */
  readonly dockerfilePath: string;
  readonly context: string;
  readonly dockerfile: string;
  /** The context's files after `.dockerignore`. */
  readonly files: BuildContext;
  /** Build output goes here (one file per build). */
  readonly logFile: string;
  /** Aborted when the build is to stop (its deadline passed, the run was cancelled). */
  readonly signal?: AbortSignal;
}

export type BuildOutcome =
  | { readonly _tag: 'Built'; readonly imageRef: string; readonly notes: readonly string[]; readonly skippedRuns: number }
  | { readonly _tag: 'BuildFailed'; readonly reason: string };

/**
 * What one container may use, from its task definition (computed by `driver/task-launch.ts`).
 * Every engine enforces what the host lets it and names the rest once per run
 * (`Engine.unenforcedLimits`): docker and podman as `--memory`, `--pids-limit` and
 * `--tmpfs /tmp:size=`, the process engine with cgroups and bubblewrap's `--size`.
 */
export interface ContainerLimits {
  /** Hard memory limit in MiB: the container's `memory`, else the task's (as on ECS). */
  readonly memoryMiB: number;
  /** Most processes and threads at once: the container's `nproc` ulimit (hard), else a default. */
  readonly pids: number;
  /** Size of the container's `/tmp` (a tmpfs) in MiB. */
  readonly tmpMiB: number;
}

export interface ContainerLaunch {
  readonly name: string;
  /** The image key (process engine) or image reference (docker, podman). */
  readonly image: string;
  readonly essential: boolean;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly workingDirectory?: string;
  /**
   * The task definition's `user` ("uid", "uid:gid", "name", "name:group"): overrides the
   * image's USER, as on ECS; absent: the image's USER.
   */
  readonly user?: string;
  /** Task definition environment with RunTask overrides applied (TASK_INDEX, TASK_TOTAL_SIZE). */
  readonly environment: Readonly<Record<string, string>>;
  /** Seconds between SIGTERM and SIGKILL (ECS `stopTimeout`, default 30). */
  readonly stopTimeoutSeconds: number;
  readonly binds: readonly Bind[];
  readonly limits: ContainerLimits;
  /**
   * A folder of the container's secret files (mode 0400), shown read-only at `/run/secrets`;
   * container engines hand its files to the image's user.
   */
  readonly secretsDir?: string;
}

export interface TaskLaunch {
  readonly attemptKey: string;
  readonly containers: readonly ContainerLaunch[];
  /** The task's memory in MiB, a hard limit for all its containers together (as on Fargate). */
  readonly memoryMiB: number;
  readonly network: boolean;
  readonly logFile: string;
  /** Secret values written to the log as `***` (`secrets/mask.ts` patterns). */
  readonly mask?: readonly string[];
}

/** ECS's container reason when a container went over its memory (its exit code is 137). */
export const OUT_OF_MEMORY_REASON = 'OutOfMemoryError: Container killed due to memory usage';

export interface ContainerExit {
  readonly name: string;
  readonly exitCode: number | null;
  /** ECS's container `reason`: why it stopped when not on its own (OUT_OF_MEMORY_REASON, a stop). */
  readonly reason: string | null;
}

export interface TaskExit {
  readonly containers: readonly ContainerExit[];
  /** ECS-style stop code: EssentialContainerExited, UserInitiated, TaskFailedToStart. */
  readonly stopCode: string;
  readonly stoppedReason: string;
  readonly startedAt: number;
  readonly stoppedAt: number;
}

export interface RunningTask {
  readonly done: Promise<TaskExit>;
  readonly stop: (reason: string) => void;
}

export interface Engine {
  readonly name: EngineName;
  /** The process engine's sandbox (bubblewrap, or util-linux's programs where it is missing). */
  readonly sandbox?: SandboxName;
  build(req: BuildRequest): Promise<BuildOutcome>;
  /** Starts the task's containers; never throws (a failure to start is a TaskExit). */
  run(task: TaskLaunch): RunningTask;
  /**
   * The limits of `ContainerLimits` this host cannot enforce, each as a short phrase for a
   * once-per-run notice ("memory and process count (no writable cgroup)"); empty when all are.
   */
  unenforcedLimits?(): readonly string[];
}

/**
 * What starts each line of a container's output in the log of a task with several containers
 * (they share one log, as a task's output is read in one place); `hyperp logs --container`
 * picks a container's lines by it. Container names are letters, digits, `_` and `-`.
 */
export const containerLabel = (name: string): string => `[${name}] `;

/** How a run's header names its engine: `process (util-linux sandbox)`, `docker`. */
export const engineLabel = (e: Pick<Engine, 'name' | 'sandbox'>): string => (e.sandbox ? `${e.name} (${SANDBOX_LABEL[e.sandbox]} sandbox)` : e.name);

/** The engine a `--engine` choice names (`bwrap` and `unshare` are the process engine's sandboxes). */
export const engineOfChoice = <C extends string>(choice: C): Exclude<C, SandboxName> | 'process' =>
  (choice === 'bwrap' || choice === 'unshare' ? 'process' : choice) as Exclude<C, SandboxName> | 'process';
