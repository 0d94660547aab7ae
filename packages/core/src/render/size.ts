/**
 * How large a job's task definition is as a deployment registers it. ECS refuses a task
 * definition over 64 KiB (Amazon ECS service quotas, "Task definition size", 64 KiB, not
 * adjustable; read 2026-12), and hyperp adds to the file a volume per dependency and a mount
 * point per container for each of them, so a wide fan-in of a small file can pass it: 200
 * dependencies of a one-container job render to about 80 KB. Validation checks it, so the run is
 * refused when it is planned, with the file and field, instead of its job failing when it
 * registers.
 *
 * The estimate renders the job with settings as long as a deployment's can be (a 40-character
 * name prefix, its repository, log group and role ARNs, a run id and a commit) and counts UTF-8
 * bytes of the JSON, plus room for the registration's tags. A deployment mounts each hyperp volume
 * through an access point, which replaces the volume's root directory by a shorter id, so what it
 * registers is never larger than this.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { JobSpec, WorkflowSpec } from '../workflow/spec.js';
import { utf8Bytes } from '../workflow/bounds.js';
import type { RenderSettings } from './settings.js';
import { renderTaskDefinition } from './taskdef.js';

export const MAX_TASK_DEFINITION_BYTES = 65_536;

/** The registration's tags (`hyperp:run`, `hyperp:workflow`, `hyperp:job`) and their JSON. */
const TAGS_ALLOWANCE_BYTES = 512;

const PREFIX = 'p'.repeat(40);
const REGION = 'ap-southeast-1';
const ACCOUNT = '123456789012';

/** Settings as long as a deployment's can be (`packages/infra`: prefix ≤ 40 characters). */
const longestSettings: RenderSettings = {
  region: REGION,
  imageRepository: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${PREFIX}-images-abcdefg`,
  efs: { fileSystemId: 'fs-0123456789abcdef0', rootDirectory: '/hyperp' },
  familyPrefix: PREFIX,
  logGroup: `/hyperp/${PREFIX}/tasks`,
  executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/${PREFIX}-task-execution-abcdefg`,
  taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/${PREFIX}-task-job-abcdefg`,
};
/** A planner's run id (`20261122-080000-3f2a9c1b7d`) and a commit. */
const RUN_ID = '20261122-080000-3f2a9c1b7d';
const COMMIT = '0'.repeat(40);
const IMAGE_KEY = '0'.repeat(64);

/** Bytes of the job's RegisterTaskDefinition input at most, or 0 when it does not render. */
export const registeredTaskDefinitionBytes = (workflow: Pick<WorkflowSpec, 'name' | 'sharedArtifacts'>, job: JobSpec): number => {
  const imageKeys = Object.fromEntries(
    job.taskDefinition.containerDefinitions.filter((c) => c.dockerfilePath !== undefined).map((c) => [c.name, IMAGE_KEY]),
  );
  const rendered = renderTaskDefinition({ workflow, job, commit: COMMIT, runId: RUN_ID, imageKeys, settings: longestSettings });
  return E.isLeft(rendered) ? 0 : utf8Bytes(JSON.stringify(rendered.right)) + TAGS_ALLOWANCE_BYTES;
};
