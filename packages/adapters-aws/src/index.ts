// @hyperp/adapters-aws: the Lambda handlers and the AWS command interpreter. Each handler is a
// factory over capabilities (store, clients) so tests and other wirings pass their own;
// `production()` is the one wiring the Lambda entry points (`src/lambda/*`) use.
export {
  loadConfig, ConfigError, configVariables, environmentVariables, type AwsConfig, type ConfigProblem, type EnvironmentVariable,
} from './config.js';
export { tableDefinition, GSI1 } from './store/table.js';
export { dynamoStore, type Store } from './store/store.js';
export type { EventLog, LoggedEvent, AppendResult } from './store/event-log.js';
export type { RunStates, SavedRun, SaveResult } from './store/run-states.js';
export type { RunListing, RunSummary, ListBy, RunPage } from './store/run-listing.js';
export type { ImageStore, StoredImage, ImageOwner, PlannedImage } from './store/images.js';
export type { Deliveries } from './store/deliveries.js';
export { bodyCodec, INLINE_LIMIT_BYTES, PLAIN_LIMIT_BYTES, type BlobStore } from './store/body.js';
export { webhookHandler, type WebhookDeps } from './handlers/webhook.js';
export { planner, type PlannerDeps, type PlannerResult } from './planner/planner.js';
export type { PlanRequest } from './planner/request.js';
export { plannedRunId } from './planner/run-id.js';
export { taskEventsHandler, type TaskStateChange } from './handlers/task-events.js';
export { streamHandler } from './handlers/stream.js';
export { wakeupHandler, type WakeupDeps } from './handlers/wakeups.js';
export { wakeupQueue, sendWakeup, delaySeconds, type WakeupMessage, type WakeupQueueDeps } from './aws/wakeup-queue.js';
export { sweepHandler, type SweepDeps, type SweepReport } from './handlers/sweep.js';
export { apiHandler, type ApiDeps } from './handlers/api.js';
export { efsHandler, EFS_MOUNT_PATH, type EfsRequest, type EfsResponse } from './handlers/efs.js';
export { stepper, type StepperDeps, type StoredRun } from './run/stepper.js';
export { interpreter, type Interpret } from './interpret/interpreter.js';
export type { InterpreterDeps } from './interpret/deps.js';
export { normaliseTask, type EcsTaskLike } from './ecs/task-event.js';
export { scheduleSync, scheduleName } from './schedules/sync.js';
export { schedulerExpression } from './schedules/cron.js';
export type { RunMeta } from './run/meta.js';
