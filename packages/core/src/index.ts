/**
 * `@hyperp/core`: hyperp's pure core, as an embedder uses it. Load and validate workflows, plan
 * which images to build, and run a workflow as `reduce(state, event) -> [state', commands]`:
 * nothing here performs I/O, reads a clock or draws random numbers; your orchestrator feeds
 * facts in as events and carries the returned commands out. Expected failures are `Result`s.
 *
 * The simulator is `@hyperp/core/sim`. `@hyperp/core/internal` is hyperp's own and unstable.
 *
 * @packageDocumentation
 */

// Expected failures
export type { Result, Issue } from './result.js';

// Workflows: files in a repository snapshot, validated into specs
export type { RepoFile, RepoSnapshot } from './repo/snapshot.js';
export { snapshotFromFiles, gitBlobId } from './repo/from-files.js';
export type { FileMode, FileInput, SnapshotFromFilesInput, SnapshotIssue, SnapshotFromFiles } from './repo/from-files.js';
export { loadWorkflows, validateWorkflowFile, isWorkflowFile, workflowDirectory } from './workflow/load.js';
export type { LoadedWorkflows, WorkflowFileResult } from './workflow/load.js';
export type { TaskDefinitionCheck } from './taskdef/validate.js';
export { ruleNames, hasErrors } from './workflow/issue.js';
export type { ValidationIssue, Severity, RuleName } from './workflow/issue.js';
export type { WorkflowSpec, JobSpec } from './workflow/spec.js';
export type { CronTrigger, InputValue, InputType } from './workflow/model.js';
export type { InputSpec, RunInputs } from './workflow/inputs.js';
export type { SecretSpec } from './workflow/secrets.js';
export type { TaskDefinition, ContainerDefinition, KeyValuePair, MountPoint, Volume } from './taskdef/model.js';

// Plans: which workflows a push runs, which images are built or reused, and why
export { planPush, planWorkflow, workflowsForPush } from './plan/plan.js';
export type { PlanInput, PlanContext, PlanIssue } from './plan/plan.js';
export type { Plan, WorkflowPlan, JobPlan, ImagePlan, ImageAction } from './plan/types.js';
export { imageStoreOf, storedImageOf } from './plan/image-store.js';
export type { ImageStore, StoredImage } from './plan/image-store.js';
export { describeImageKeyError } from './images/key.js';
export type { ImageKeyError } from './images/key.js';

// The run reducer: events in, state and commands out
export { reduce, reduceAll } from './run/reduce.js';
export type { Step } from './run/reduce.js';
export { initialState, isTerminalRun, isTerminalJob, isTerminalTask } from './run/state.js';
export type {
  RunState, RunStatus, JobStatus, TaskStatus, JobRecord, TaskRecord, AttemptRecord, ImageRecord, GraphImage, RunGraph,
  DownloadableRecord, LaunchRef, Timer, CommandRetry, Diagnostic, DiagnosticCode, Diagnostics, JobCounts, TaskCounts, RunTotals,
} from './run/state.js';
export type {
  RunEvent, RunEventTag, Millis, RunRequested, Trigger, ReusedJob, CancelRequested, Tick, CommandFailed,
  DirectoriesEnsured, DirectoriesFailed, ImageBuildStarted, ImageBuildSucceeded, ImageBuildFailed,
  TaskDefinitionRegistered, TaskDefinitionRejected, TaskLaunchAccepted, TaskLaunchRejected, TaskStateObserved,
  EcsTaskStatus, ContainerState, FailureClass, TaskUsage, DownloadableReady, DownloadableFailed,
} from './run/events.js';
export { commandResults } from './run/commands.js';
export type {
  Command, CommandTag, EnsureDirectories, BuildImage, RegisterTaskDefinition, RunTask, StopTask, CreateDownloadable,
  RecordImage, DeregisterTaskDefinitions, SetCommitStatus, CommitState, ScheduleWakeup, Tag, TaskOverrides,
} from './run/commands.js';
export type { RunTaskOverrides } from './render/overrides.js';
export type { RenderedTaskDefinition, RenderedContainer } from './render/taskdef.js';
export { runSettings } from './run/settings.js';
export type { RunSettings, LaunchRate, RetryBackoff } from './run/settings.js';
export type { RenderSettings } from './render/settings.js';
export { tick, cancelRequested, taskLaunchAccepted, taskLaunchRejected, taskRunning, taskStopped } from './run/constructors.js';
export type { ObservedTask } from './run/constructors.js';
export { runRequested } from './run/request.js';
export type { RunRequestInput, RunRequestIssue, RunRequestResult } from './run/request.js';
export { rerunRequested, describeRerunRefusal, runningJobsText } from './run/rerun.js';
export type { RerunOptions, RerunRefusal, RerunRefusalReason } from './run/rerun.js';
export { runRequestShapeProblem } from './run/request-shape.js';
export { runEventShapeProblem } from './run/event-shape.js';
export { decodeRunEvent, decodeCommand, decodeRunState } from './run/codecs.js';
export type { DecodeIssue } from './run/codecs.js';
export { STATE_FORMAT_VERSION, upgradeRunState } from './run/state-format.js';
export { vecToArray, vecGet } from './run/vector.js';
export type { Vec } from './run/vector.js';
export type { Queue } from './run/queue.js';
export type { Heap } from './run/heap.js';
export type { StartedByIndex } from './run/started-by-index.js';

// Reading a run: the views hyperp's CLI and API show
export { runView, runCostView, runCostBasis, runSummaryView, viewUsd } from './run/view.js';
export type { RunView, JobView, TaskAttemptView, RetryView, RunCostView, RunCostBasis, RunSummaryView, ViewPlaces } from './run/view.js';

// Cost
export { estimateTaskCost, taskCost } from './cost/task.js';
export type { TaskShape, TaskTimes, TaskCost, Instant } from './cost/task.js';
export { efsStorageCost } from './cost/efs.js';
export type { StorageCost } from './cost/efs.js';
export { rollupCosts } from './cost/rollup.js';
export type { CostItem, JobCost, RunCost } from './cost/rollup.js';
export { defaultPriceTable, INCLUDED_EPHEMERAL_GB, MAX_EPHEMERAL_GB, MINIMUM_BILLED_SECONDS } from './cost/prices.js';
export type { PriceTable, RegionPrices, ComputeRates, CpuArchitecture, Capacity } from './cost/prices.js';
export { describeCostError } from './cost/errors.js';
export type { CostError, CostErrorDetail } from './cost/errors.js';
