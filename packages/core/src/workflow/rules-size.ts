/**
 * Rule `task-definition-size`: a job whose task definition, as hyperp registers it, is over ECS's
 * 64 KiB (`render/size.ts`). Reported at the job's `dependsOn` when it has dependencies (their
 * mounts are what grows), else at its `taskDefinitionPath`.
 */
import { MAX_TASK_DEFINITION_BYTES, registeredTaskDefinitionBytes } from '../render/size.js';
import type { ValidationIssue } from './issue.js';
import { issueAt, type FileContext } from './rule.js';
import type { WorkflowSpec } from './spec.js';

export const taskDefinitionSizes = (ctx: FileContext, spec: WorkflowSpec): ValidationIssue[] =>
  spec.jobs.flatMap((job, i): ValidationIssue[] => {
    // A job whose file could not be read has no task definition here (its own rule reports it).
    if (job.taskDefinition === undefined) return [];
    const bytes = registeredTaskDefinitionBytes(spec, job);
    if (bytes <= MAX_TASK_DEFINITION_BYTES) return [];
    const containers = job.taskDefinition.containerDefinitions.length;
    const deps = job.dependsOn.length;
    const why = deps > 0
      ? `each of its ${deps} dependencies adds a volume and a mount point in ${containers === 1 ? 'its container' : `each of its ${containers} containers`}; gather some of them in an intermediate job${containers === 1 ? '' : ', or use fewer containers'}`
      : `shorten ${job.taskDefinitionPath} (environment, commands) or use fewer containers`;
    return [
      issueAt(ctx, 'error', 'task-definition-size', ['jobs', i, deps > 0 ? 'dependsOn' : 'taskDefinitionPath'],
        `job "${job.name}": the task definition hyperp registers for it is about ${Math.ceil(bytes / 1024)} KiB, and ECS takes at most 64 KiB; ${why}`,
        { key: deps > 0 }),
    ];
  });
