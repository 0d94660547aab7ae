/**
 * The local engines behind one interface: `process` (image directories run in bubblewrap),
 * `docker` and `podman` (real images and containers). The driver turns `BuildImage` and
 * `RunTask` commands into these calls and their outcomes back into run events.
 */
import type { BuildContext } from '../build/layout.js';
import type { Bind } from './sandbox.js';

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

export interface ContainerLaunch {
  readonly name: string;
  /** The image key (process engine) or image reference (docker, podman). */
  readonly image: string;
  readonly essential: boolean;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly workingDirectory?: string;
  /** Task definition environment with RunTask overrides applied (TASK_INDEX, TASK_TOTAL_SIZE). */
  readonly environment: Readonly<Record<string, string>>;
  /** Seconds between SIGTERM and SIGKILL (ECS `stopTimeout`, default 30). */
  readonly stopTimeoutSeconds: number;
  readonly binds: readonly Bind[];
}

export interface TaskLaunch {
  readonly attemptKey: string;
  readonly containers: readonly ContainerLaunch[];
  readonly network: boolean;
  readonly logFile: string;
}

export interface ContainerExit {
  readonly name: string;
  readonly exitCode: number | null;
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
  build(req: BuildRequest): Promise<BuildOutcome>;
  /** Starts the task's containers; never throws (a failure to start is a TaskExit). */
  run(task: TaskLaunch): RunningTask;
}
