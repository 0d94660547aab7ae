/**
 * A stand-in for the AWS side of the interpreter in stepper tests: answers commands as ECS and
 * the EFS helper would (launches accepted with task ARNs derived from `startedBy`), records what
 * it was asked, and can be told to crash on a command. ECS state changes are produced by the
 * test from `launched`.
 */
import type { Command, RunEvent, TaskStateObserved } from '@hyperp/core';
import type { Interpret } from '../../src/interpret/interpreter.js';

export interface FakeCloud {
  readonly interpret: Interpret;
  readonly calls: Command[];
  /** startedBy → task ARN, in launch order. */
  readonly launched: Map<string, string>;
  /** Throws (a crash) the next time a command with this tag is carried out. */
  crashOn: Command['_tag'] | null;
}

export const fakeCloud = (now: () => number): FakeCloud => {
  const cloud: FakeCloud = {
    calls: [],
    launched: new Map(),
    crashOn: null,
    interpret: async (c) => {
      if (cloud.crashOn === c._tag) {
        cloud.crashOn = null;
        throw new Error(`simulated crash before carrying out ${c._tag}`);
      }
      cloud.calls.push(c);
      const at = now();
      switch (c._tag) {
        case 'EnsureDirectories':
          return [{ _tag: 'DirectoriesEnsured', at }];
        case 'RegisterTaskDefinition':
          return [{ _tag: 'TaskDefinitionRegistered', at, job: c.job, taskDefinitionArn: `arn:aws:ecs:us-east-1:1:task-definition/${c.family}:1` }];
        case 'RunTask':
        case 'BuildImage': {
          // Like RunTask's clientToken: the same launch asked twice gives the same task.
          const arn = cloud.launched.get(c.startedBy) ?? `arn:aws:ecs:us-east-1:1:task/hyperp/${c.startedBy.slice(7, 19)}`;
          cloud.launched.set(c.startedBy, arn);
          return [{ _tag: 'TaskLaunchAccepted', at, startedBy: c.startedBy, taskArn: arn }];
        }
        case 'CreateDownloadable':
          return [{ _tag: 'DownloadableReady', at, job: c.job, location: `s3://${c.bucket}/${c.objectKey}`, bytes: 100 }];
        default:
          return [];
      }
    },
  };
  return cloud;
};

/** A task's STOPPED (exit 0) or RUNNING state change, as the task-event handler would append it. */
export const ecsState = (
  startedBy: string, taskArn: string, status: 'RUNNING' | 'STOPPED', at: number, containers: readonly string[], exitCode = 0,
): TaskStateObserved => ({
  _tag: 'TaskStateObserved', at, startedBy, taskArn, lastStatus: status,
  containers: containers.map((name) => ({ name, exitCode: status === 'STOPPED' ? exitCode : null, reason: null })),
  stopCode: status === 'STOPPED' ? 'EssentialContainerExited' : null,
  stoppedReason: status === 'STOPPED' ? 'Essential container in task exited' : null,
  pullStartedAt: at - 30_000, startedAt: at - 20_000, stoppedAt: status === 'STOPPED' ? at : null,
  cpu: 256, memory: 512, arch: 'x86_64', ephemeralStorageGiB: 20,
});

export type { RunEvent };
