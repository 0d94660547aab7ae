/** Registering a job's task definition, and deregistering and deleting a run's when it ends. */
import {
  DeleteTaskDefinitionsCommand, DeregisterTaskDefinitionCommand, RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import type { DeregisterTaskDefinitions, RegisterTaskDefinition, RunEvent } from '@hyperp/core';
import { AccessPointsUnavailable, deleteRunAccessPoints, withRunAccessPoints, type AccessPointDeps } from '../efs/access-points.js';
import { invokeSync } from '../aws/invoke-sync.js';
import type { EfsRequest } from '../handlers/efs.js';
import type { InterpreterDeps } from './deps.js';

const accessPoints = (d: InterpreterDeps): AccessPointDeps | undefined =>
  d.efs && {
    efs: d.efs,
    settings: { fileSystemId: d.config.efsFileSystemId, efsRootDirectory: d.config.efsRootDirectory, familyPrefix: d.config.familyPrefix },
  };

export const registerTaskDefinition = async (d: InterpreterDeps, c: RegisterTaskDefinition): Promise<RunEvent[]> => {
  let input: RegisterTaskDefinitionCommandInput = {
    ...(c.taskDefinition as unknown as RegisterTaskDefinitionCommandInput),
    family: c.family,
    ...(c.tags.length > 0 ? { tags: c.tags.map((t) => ({ key: t.key, value: t.value })) } : {}),
  };
  // Jobs mount their run's folders through the run's access points (efs/access-points.ts); a
  // file system out of access points refuses the job with EFS's reason.
  const ap = accessPoints(d);
  if (ap) {
    try {
      input = await withRunAccessPoints(ap, c.runId, input);
    } catch (e) {
      if (e instanceof AccessPointsUnavailable) return [{ _tag: 'TaskDefinitionRejected', at: d.now(), job: c.job, reason: e.message }];
      throw e;
    }
  }
  // Errors are the interpreter's to class: a refused definition (ClientException,
  // InvalidParameterException, AccessDeniedException for a role it may not pass) fails the job,
  // "too many concurrent attempts" on a shared family is sent again later.
  const r = await d.ecs.send(new RegisterTaskDefinitionCommand(input));
  const arn = r.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error(`RegisterTaskDefinition for ${c.family} returned no ARN`);
  return [{ _tag: 'TaskDefinitionRegistered', at: d.now(), job: c.job, taskDefinitionArn: arn }];
};

/** DeleteTaskDefinitions takes at most 10 ARNs per call (ECS API reference, read 2026-11). */
const DELETE_BATCH = 10;

export const deregisterTaskDefinitions = async (d: InterpreterDeps, c: DeregisterTaskDefinitions): Promise<RunEvent[]> => {
  // The run's secret files go first; if they cannot, the command fails (recorded in the run's
  // diagnostics) and the sweep removes them once the run is no longer active (efs/secret-sweep.ts).
  if (c.secretFolders && c.secretFolders.length > 0) {
    const request: EfsRequest = { op: 'rmdirs', runId: c.runId, paths: c.secretFolders };
    const r = await invokeSync(d.lambda, d.config.efsFunctionName, request);
    if (r._tag !== 'Ok') throw new Error(`the efs function did not remove the run's secret files: ${r.message}`);
  }
  for (const taskDefinition of c.taskDefinitionArns) {
    try {
      await d.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition }));
    } catch (e) {
      // Already INACTIVE (a repeated command): nothing left to do for it.
      if (!(e instanceof Error && e.name === 'ClientException')) throw e;
    }
  }
  for (let i = 0; i < c.taskDefinitionArns.length; i += DELETE_BATCH) {
    const taskDefinitions = c.taskDefinitionArns.slice(i, i + DELETE_BATCH);
    const r = await d.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions }));
    for (const f of r.failures ?? []) d.log('DeleteTaskDefinitions failure', { arn: f.arn, reason: f.reason, detail: f.detail });
  }
  // The run's access points go with its task definitions; one left behind is the sweep's.
  const ap = accessPoints(d);
  if (ap) {
    await deleteRunAccessPoints(ap, c.runId).catch((e: unknown) =>
      d.log('the run\'s access points were not all deleted; the sweep will', { runId: c.runId, error: (e as Error).message }),
    );
  }
  return [];
};
