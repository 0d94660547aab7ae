/**
 * CloudWatch Logs names for task output. With the awslogs driver, ECS names each stream
 * `{awslogs-stream-prefix}/{container}/{task-id}`; hyperp's prefix is
 * `hyperp/{runId}/{wfHash}/{jobHash}` so a run's streams list together and a task's stream is
 * found from its ARN alone. Stream names may not hold `:` or `*`, which job names may: hence
 * the hashes. A run id outside `[A-Za-z0-9._-]{1,64}` is replaced by a hash of itself.
 */
import { jobHash, workflowHash } from './artifacts.js';
import { taggedHash } from './hash.js';

const safeSegment = (s: string): string => (/^[A-Za-z0-9._-]{1,64}$/.test(s) && !/^\.+$/.test(s) ? s : `h${taggedHash('segment', s, 16)}`);

export const logStreamPrefix = (runId: string, workflowName: string, jobName: string): string =>
  `hyperp/${safeSegment(runId)}/${workflowHash(workflowName)}/${jobHash(jobName)}`;

/** The task id is the last part of a task ARN (`arn:aws:ecs:…:task/cluster/<id>`); an id is accepted as is. */
export const taskIdOf = (taskArnOrId: string): string => taskArnOrId.slice(taskArnOrId.lastIndexOf('/') + 1);

export const logStreamName = (prefix: string, container: string, taskArnOrId: string): string =>
  `${prefix}/${container}/${taskIdOf(taskArnOrId)}`;
