/** Registering a job's task definition, and deregistering and deleting a run's when it ends. */
import {
  DeleteTaskDefinitionsCommand, DeregisterTaskDefinitionCommand, RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import type { DeregisterTaskDefinitions, RegisterTaskDefinition, RunEvent } from '@hyperp/core';
import type { InterpreterDeps } from './deps.js';

export const registerTaskDefinition = async (d: InterpreterDeps, c: RegisterTaskDefinition): Promise<RunEvent[]> => {
  const input = {
    ...(c.taskDefinition as unknown as RegisterTaskDefinitionCommandInput),
    family: c.family,
    ...(c.tags.length > 0 ? { tags: c.tags.map((t) => ({ key: t.key, value: t.value })) } : {}),
  };
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
  return [];
};
