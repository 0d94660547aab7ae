/**
 * The command interpreter: carries out one reducer command against AWS and GitHub and returns
 * the events that report its outcome. It never throws: whatever goes wrong — an AWS error, a
 * network error, a timeout, a bug — ends the command in a `CommandFailed` classed by
 * `aws/failure-class.ts`, and the reducer decides (send it again later, or fail what it was
 * for). So a stored outbox can always be carried out, and no error wedges a run.
 */
import type { Command, RunEvent } from '@hyperp/core';
import { invokeAsync } from '../aws/invoke.js';
import { invokeSync } from '../aws/invoke-sync.js';
import { setCommitStatus } from '../github/statuses.js';
import type { EfsRequest } from '../handlers/efs.js';
import type { RunMeta } from '../run/meta.js';
import { classifyAwsError } from '../aws/failure-class.js';
import { readRepositorySecrets, SecretNotSet } from '../secrets/read-secrets.js';
import type { InterpreterDeps } from './deps.js';
import { deregisterTaskDefinitions, registerTaskDefinition } from './ecs-definitions.js';
import { buildImage, runTask, stopTask } from './ecs-launch.js';

export type Interpret = (command: Command, meta: RunMeta) => Promise<RunEvent[]>;

const DEFAULT_DEADLINE_MS = 30_000;
/**
 * A build packs its context first (`contexts/upload.ts`: up to 2,000 blobs read from GitHub, a
 * few at a time): three minutes, inside the stepper function's five.
 */
const BUILD_DEADLINE_MS = 180_000;

/** Rejects with a `TimeoutError` (retryable) when `work` takes longer than `ms`. */
const withDeadline = <T>(work: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} took longer than ${ms} ms`), { name: 'TimeoutError' })), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
};

export const interpreter =
  (d: InterpreterDeps): Interpret =>
  async (c, meta) => {
    try {
      const deadline = d.commandDeadlineMs ?? (c._tag === 'BuildImage' ? BUILD_DEADLINE_MS : DEFAULT_DEADLINE_MS);
      return await withDeadline(carryOut(d, c, meta), deadline, c._tag);
    } catch (e) {
      const f = classifyAwsError(e);
      d.log('command failed', { runId: meta.runId, command: c._tag, failure: f.failure, reason: f.reason });
      return [{ _tag: 'CommandFailed', at: d.now(), command: c, failure: f.failure, reason: f.reason }];
    }
  };

const carryOut = async (d: InterpreterDeps, c: Command, meta: RunMeta): Promise<RunEvent[]> => {
    switch (c._tag) {
      case 'EnsureDirectories': {
        let secrets: { path: string; text: string }[] = [];
        if (c.secrets && c.secrets.length > 0) {
          try {
            if (!d.secrets) throw new SecretNotSet('this stepper was wired without Secrets Manager');
            const values = await readRepositorySecrets(d.secrets, d.config.familyPrefix, meta.repo, c.secrets.map((s) => s.name));
            secrets = c.secrets.map((s) => ({ path: s.path, text: values.get(s.name)! }));
          } catch (e) {
            if (!(e instanceof SecretNotSet)) throw e;
            return [{ _tag: 'CommandFailed', at: d.now(), command: c, failure: 'permanent', reason: e.message }];
          }
        }
        const request: EfsRequest = {
          op: 'mkdirs', runId: c.runId, paths: c.paths, ...(c.files ? { files: c.files } : {}), ...(secrets.length > 0 ? { secrets } : {}),
        };
        const r = await invokeSync(d.lambda, d.config.efsFunctionName, request);
        if (r._tag === 'Ok') return [{ _tag: 'DirectoriesEnsured', at: d.now() }];
        // The function's own error (an EFS mount that timed out, a bug): not known to be lasting.
        return [{ _tag: 'CommandFailed', at: d.now(), command: c, failure: 'unknown', reason: `the efs function failed: ${r.message}` }];
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
          // The check run says it all where the installation allows checks; a status beside it would repeat it.
          if (d.usesChecks && (await d.usesChecks(meta.installationId).catch(() => false))) return [];
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
