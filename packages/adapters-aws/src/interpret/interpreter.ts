/**
 * The command interpreter: carries out one reducer command against AWS and GitHub and returns
 * the events that report its outcome. Expected failures (a refused launch, a rejected task
 * definition, a function error) become events; anything else is thrown, and the stepper leaves
 * the command in the outbox to be carried out again.
 */
import type { Command, RunEvent } from '@hyperp/core';
import { invokeAsync } from '../aws/invoke.js';
import { invokeSync } from '../aws/invoke-sync.js';
import { setCommitStatus } from '../github/statuses.js';
import type { EfsRequest } from '../handlers/efs.js';
import type { RunMeta } from '../run/meta.js';
import type { InterpreterDeps } from './deps.js';
import { deregisterTaskDefinitions, registerTaskDefinition } from './ecs-definitions.js';
import { buildImage, runTask, stopTask } from './ecs-launch.js';

export type Interpret = (command: Command, meta: RunMeta) => Promise<RunEvent[]>;

export const interpreter =
  (d: InterpreterDeps): Interpret =>
  async (c, meta) => {
    switch (c._tag) {
      case 'EnsureDirectories': {
        const request: EfsRequest = { op: 'mkdirs', runId: c.runId, paths: c.paths };
        const r = await invokeSync(d.lambda, d.config.efsFunctionName, request);
        return r._tag === 'Ok'
          ? [{ _tag: 'DirectoriesEnsured', at: d.now() }]
          : [{ _tag: 'DirectoriesFailed', at: d.now(), reason: r.message }];
      }
      case 'BuildImage':
        return buildImage(d, c, meta);
      case 'RegisterTaskDefinition':
        return registerTaskDefinition(d, c);
      case 'RunTask':
        return runTask(d, c);
      case 'StopTask':
        return stopTask(d, c);
      case 'CreateDownloadable': {
        const request: EfsRequest = {
          op: 'zip', runId: c.runId, job: c.job, sourcePath: c.sourcePath, bucket: c.bucket, objectKey: c.objectKey, appendEvent: true,
        };
        await invokeAsync(d.lambda, d.config.efsFunctionName, request);
        return [];
      }
      case 'RecordImage':
        // The stepper writes image records itself, in the transaction that confirms the outbox;
        // carried out alone (another host of the interpreter), it is one idempotent update.
        await d.images.record(c.key, c.imageUri, new Date(c.builtAt).toISOString(), {
          repo: meta.repo, workflow: meta.workflow, job: c.job, container: c.container,
        });
        return [];
      case 'DeregisterTaskDefinitions':
        return deregisterTaskDefinitions(d, c);
      case 'SetCommitStatus':
        try {
          await setCommitStatus(d.github(meta.installationId), {
            repo: meta.repo, commit: c.commit, state: c.state, context: c.context, description: c.description, targetUrl: c.targetUrl,
          });
        } catch (e) {
          // A status is a courtesy: GitHub being down must not hold the run back.
          d.log('commit status not set', { runId: c.runId, error: (e as Error).message });
        }
        return [];
      case 'ScheduleWakeup':
        // Near ones the stepper waits for in-process; later ones arrive as a delayed message.
        await d.wakeups(c.runId, c.at);
        return [];
    }
  };
