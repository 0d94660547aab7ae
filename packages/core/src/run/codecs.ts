/**
 * Codecs for what crosses an embedder's boundary as JSON: run events, commands and run states.
 * Each decode checks an unknown value against the shape its type declares and returns a
 * `Result` whose issues name the field (`containers[0].exitCode`) and say what was expected.
 *
 * The codecs are io-ts, typed against the public interfaces (`t.Type<RunEvent>`), so a field
 * added to an event or command without its codec does not compile. Parts an adapter only passes
 * through (a rendered task definition, overrides) and the state's persistent structures are
 * checked as objects; a request's workflow, plan and settings are checked down to the fields the
 * reducer reads (`runRequestShapeProblem`).
 */
import * as t from 'io-ts';
import { decode } from '../workflow/decode.js';
import { formatPath } from '../workflow/issue.js';
import { failure, failureOf, success, type Result } from '../result.js';
import type { CpuArchitecture } from '../cost/prices.js';
import type { RenderedTaskDefinition } from '../render/taskdef.js';
import type { RunTaskOverrides } from '../render/overrides.js';
import type { WorkflowPlan } from '../plan/types.js';
import type { WorkflowSpec } from '../workflow/spec.js';
import type {
  BuildImage as BuildImageCommand, Command, CommandTag, CreateDownloadable as CreateDownloadableCommand, DeregisterTaskDefinitions as DeregisterCommand,
  EnsureDirectories as EnsureDirectoriesCommand, RecordImage as RecordImageCommand, RegisterTaskDefinition as RegisterCommand, RunTask as RunTaskCommand,
  ScheduleWakeup as ScheduleWakeupCommand, SetCommitStatus as SetCommitStatusCommand, StopTask as StopTaskCommand, Tag as TagType,
} from './commands.js';
import type {
  ContainerState as ContainerStateType, EcsTaskStatus as EcsTaskStatusType, RunEvent, RunEventTag, RunRequested as RunRequestedEvent,
  TaskUsage as TaskUsageType, Trigger as TriggerType,
} from './events.js';
import type { RunSettings } from './settings.js';
import type { RunState } from './state.js';
import { runRequestShapeProblem } from './request-shape.js';
import { upgradeRunState } from './state-format.js';

/** What is wrong with a value decoded at the boundary: the field (`''` for the value itself) and why. */
export interface DecodeIssue {
  /** Field path inside the value, e.g. `containers[0].exitCode`; '' for the value as a whole. */
  readonly field: string;
  readonly message: string;
}

/** A value checked as a JSON object only: hyperp wrote its inside, or an adapter passes it on. */
const opaque = <A>(name: string): t.Type<A> => t.UnknownRecord as unknown as t.Type<A>;
const nullable = <C extends t.Mixed>(c: C) => t.union([c, t.null]);
const oneOf = <const K extends string>(keys: readonly K[], name: string): t.Type<K> =>
  t.keyof(Object.fromEntries(keys.map((k) => [k, null])) as Record<K, null>, name) as unknown as t.Type<K>;

const Millis = t.number;
const Arch: t.Type<CpuArchitecture> = oneOf(['x86_64', 'arm64'], 'CpuArchitecture');
const Tag: t.Type<TagType> = t.type({ key: t.string, value: t.string }, 'Tag');

const EnsureDirectories: t.Type<EnsureDirectoriesCommand> = t.intersection([
  t.type({ _tag: t.literal('EnsureDirectories'), runId: t.string, paths: t.readonlyArray(t.string) }),
  t.partial({ files: t.readonlyArray(t.type({ path: t.string, text: t.string })), secrets: t.readonlyArray(t.type({ path: t.string, name: t.string })) }),
]);
const BuildImage: t.Type<BuildImageCommand> = t.type({
  _tag: t.literal('BuildImage'), runId: t.string, key: t.string, job: t.string, container: t.string, commit: t.string,
  dockerfilePath: t.string, context: t.string, imageUri: t.string, cpu: t.number, memory: t.number, attemptKey: t.string,
  clientToken: t.string, startedBy: t.string, tags: t.readonlyArray(Tag),
});
const RegisterTaskDefinition: t.Type<RegisterCommand> = t.type({
  _tag: t.literal('RegisterTaskDefinition'), runId: t.string, job: t.string, family: t.string,
  taskDefinition: opaque<RenderedTaskDefinition>('RenderedTaskDefinition'), tags: t.readonlyArray(Tag),
});
const RunTask: t.Type<RunTaskCommand> = t.type({
  _tag: t.literal('RunTask'), runId: t.string, job: t.string, index: t.number, attempt: t.number, attemptKey: t.string,
  clientToken: t.string, startedBy: t.string, taskDefinitionArn: t.string, overrides: opaque<RunTaskOverrides>('RunTaskOverrides'),
  tags: t.readonlyArray(Tag),
});
const StopTask: t.Type<StopTaskCommand> = t.type({
  _tag: t.literal('StopTask'), runId: t.string, attemptKey: t.string, startedBy: t.string, taskArn: nullable(t.string), reason: t.string,
});
const CreateDownloadable: t.Type<CreateDownloadableCommand> = t.type({
  _tag: t.literal('CreateDownloadable'), runId: t.string, job: t.string, sourcePath: t.string, bucket: t.string, objectKey: t.string,
});
/** A file of an image's key; `mode` only for an executable or a link (records made before modes were kept have none). */
const RecordedFile = t.intersection([
  t.type({ path: t.string, blob: t.string }),
  t.partial({ mode: t.union([t.literal('executable'), t.literal('symlink')]) }),
]);
const RecordImage: t.Type<RecordImageCommand> = t.type({
  _tag: t.literal('RecordImage'), runId: t.string, key: t.string, imageUri: t.string, workflow: t.string, job: t.string, container: t.string,
  dockerfilePath: t.string, commit: t.string, builtAt: Millis, files: nullable(t.readonlyArray(RecordedFile)),
});
const DeregisterTaskDefinitions: t.Type<DeregisterCommand> = t.intersection([
  t.type({ _tag: t.literal('DeregisterTaskDefinitions'), runId: t.string, taskDefinitionArns: t.readonlyArray(t.string) }),
  t.partial({ secretFolders: t.readonlyArray(t.string) }),
]);
const SetCommitStatus: t.Type<SetCommitStatusCommand> = t.type({
  _tag: t.literal('SetCommitStatus'), runId: t.string, commit: t.string, context: t.string,
  state: oneOf(['pending', 'success', 'failure', 'error'], 'CommitState'), description: t.string, targetUrl: nullable(t.string),
});
const ScheduleWakeup: t.Type<ScheduleWakeupCommand> = t.type({ _tag: t.literal('ScheduleWakeup'), runId: t.string, at: Millis });

const commandCodecs: { readonly [K in CommandTag]: t.Type<Extract<Command, { _tag: K }>> } = {
  EnsureDirectories, BuildImage, RegisterTaskDefinition, RunTask, StopTask, CreateDownloadable, RecordImage,
  DeregisterTaskDefinitions, SetCommitStatus, ScheduleWakeup,
};

const Trigger: t.Type<TriggerType> = t.union([
  t.type({ kind: t.literal('push'), deliveryId: nullable(t.string), sender: nullable(t.string) }),
  t.intersection([t.type({ kind: t.literal('cron'), schedule: t.string }), t.partial({ name: t.string })]),
  t.type({ kind: t.literal('manual'), requestedBy: nullable(t.string) }),
  t.type({ kind: t.literal('rerun'), fromRunId: t.string, failedOnly: t.boolean }),
], 'Trigger');
const TaskUsage: t.Type<TaskUsageType> = t.intersection([
  t.type({ cpu: t.number, memory: t.number, arch: Arch, ephemeralStorageGiB: t.number, pullStartedAt: Millis, stoppedAt: Millis }),
  t.partial({ startedAt: nullable(Millis) }),
], 'TaskUsage');
const ContainerState: t.Type<ContainerStateType> = t.type({ name: t.string, exitCode: nullable(t.number), reason: nullable(t.string) }, 'ContainerState');
const EcsTaskStatus: t.Type<EcsTaskStatusType> = oneOf(
  ['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'], 'EcsTaskStatus',
);

const RunRequested: t.Type<RunRequestedEvent> = t.intersection([
  t.type({
    _tag: t.literal('RunRequested'), at: Millis, runId: t.string, trigger: Trigger, commit: t.string, branch: t.string, dirty: t.boolean,
    workflow: opaque<WorkflowSpec>('WorkflowSpec'), plan: opaque<WorkflowPlan>('WorkflowPlan'), settings: opaque<RunSettings>('RunSettings'),
    reuse: t.readonlyArray(t.type({ job: t.string, runId: t.string })),
  }),
  t.partial({ inputs: t.record(t.string, t.union([t.string, t.number, t.boolean])) }),
]);

const eventCodecs: { readonly [K in RunEventTag]: t.Type<Extract<RunEvent, { _tag: K }>> } = {
  RunRequested,
  DirectoriesEnsured: t.type({ _tag: t.literal('DirectoriesEnsured'), at: Millis }),
  DirectoriesFailed: t.type({ _tag: t.literal('DirectoriesFailed'), at: Millis, reason: t.string }),
  TaskDefinitionRegistered: t.type({ _tag: t.literal('TaskDefinitionRegistered'), at: Millis, job: t.string, taskDefinitionArn: t.string }),
  TaskDefinitionRejected: t.type({ _tag: t.literal('TaskDefinitionRejected'), at: Millis, job: t.string, reason: t.string }),
  ImageBuildStarted: t.type({ _tag: t.literal('ImageBuildStarted'), at: Millis, key: t.string, taskArn: nullable(t.string) }),
  ImageBuildSucceeded: t.type({ _tag: t.literal('ImageBuildSucceeded'), at: Millis, key: t.string, imageUri: t.string, usage: nullable(TaskUsage) }),
  ImageBuildFailed: t.type({ _tag: t.literal('ImageBuildFailed'), at: Millis, key: t.string, reason: t.string, usage: nullable(TaskUsage) }),
  TaskLaunchAccepted: t.type({ _tag: t.literal('TaskLaunchAccepted'), at: Millis, startedBy: t.string, taskArn: t.string }),
  TaskLaunchRejected: t.type({ _tag: t.literal('TaskLaunchRejected'), at: Millis, startedBy: t.string, reason: t.string, retryable: t.boolean }),
  TaskStateObserved: t.type({
    _tag: t.literal('TaskStateObserved'), at: Millis, startedBy: t.string, taskArn: t.string, lastStatus: EcsTaskStatus,
    containers: t.readonlyArray(ContainerState), stopCode: nullable(t.string), stoppedReason: nullable(t.string),
    pullStartedAt: nullable(Millis), startedAt: nullable(Millis), stoppedAt: nullable(Millis), cpu: nullable(t.number),
    memory: nullable(t.number), arch: Arch, ephemeralStorageGiB: t.number,
  }),
  DownloadableReady: t.type({ _tag: t.literal('DownloadableReady'), at: Millis, job: t.string, location: t.string, bytes: t.number }),
  DownloadableFailed: t.type({ _tag: t.literal('DownloadableFailed'), at: Millis, job: t.string, reason: t.string }),
  CancelRequested: t.type({ _tag: t.literal('CancelRequested'), at: Millis, reason: t.string, by: nullable(t.string) }),
  CommandFailed: t.type({
    _tag: t.literal('CommandFailed'), at: Millis, command: opaque<Command>('Command'),
    failure: oneOf(['retryable', 'permanent', 'unknown'], 'FailureClass'), reason: t.string,
  }),
  Tick: t.type({ _tag: t.literal('Tick'), at: Millis }),
};

const at = (prefix: string, field: string): string => (prefix === '' ? field : field === '' ? prefix : field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`);

/** Decodes with one codec; issues name fields below `prefix`. */
const check = <A>(codec: t.Decoder<unknown, A>, value: unknown, prefix = ''): Result<A, DecodeIssue> => {
  const d = decode(codec, value);
  if (d.ok) return success(d.value);
  return failureOf(d.problems.map((p) => ({ field: at(prefix, formatPath(p.path)), message: `${formatPath(p.path) || 'the value'} ${p.message}` })));
};

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : JSON.stringify(v));

/** Picks the codec by `_tag`, so an issue speaks of that member's fields and not of every member's. */
const byTag = <T>(what: string, codecs: Readonly<Record<string, t.Decoder<unknown, T>>>, value: unknown, prefix: string): Result<T, DecodeIssue> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return failure({ field: prefix, message: `a ${what} is a JSON object, not ${kind(value)}` });
  }
  const tag = (value as { _tag?: unknown })._tag;
  const codec = typeof tag === 'string' && Object.hasOwn(codecs, tag) ? codecs[tag] : undefined;
  if (codec === undefined) {
    return failure({ field: at(prefix, '_tag'), message: `_tag ${tag === undefined ? 'is required' : `${kind(tag)} is not a known ${what}`} (one of ${Object.keys(codecs).join(', ')})` });
  }
  return check(codec, value, prefix);
};

/**
 * Checks that an unknown value (parsed JSON) is a command `reduce` returns, naming the field
 * that is not; use it where commands come back from your own store or queue.
 */
export const decodeCommand = (value: unknown): Result<Command, DecodeIssue> => byTag<Command>('command', commandCodecs, value, '');

/**
 * Checks that an unknown value (parsed JSON) is a run event, naming the field that is not; use
 * it where events enter your orchestrator (a queue, an HTTP handler, a log read back).
 */
export const decodeRunEvent = (value: unknown): Result<RunEvent, DecodeIssue> => decodeEventAt(value, '');

const decodeEventAt = (value: unknown, prefix: string): Result<RunEvent, DecodeIssue> => {
  const r = byTag<RunEvent>('run event', eventCodecs, value, prefix);
  if (!r.ok) return r;
  if (r.value._tag === 'CommandFailed') {
    const command = byTag<Command>('command', commandCodecs, r.value.command, at(prefix, 'command'));
    if (!command.ok) return command;
  }
  if (r.value._tag === 'RunRequested') {
    // Below its top level, a request is checked where the reducer reads it.
    const problem = runRequestShapeProblem(r.value);
    const field = problem === undefined ? undefined : /"([^"]+)"/.exec(problem)?.[1];
    if (problem !== undefined) return failure({ field: at(prefix, field ?? ''), message: problem });
  }
  return r;
};

const RunStatus = oneOf(['PENDING', 'BUILDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'], 'RunStatus');
const record = t.UnknownRecord;

/** The state's top level; its persistent structures (jobs, queue, timers, index) are checked as objects. */
const RunStateTop = t.intersection([
  t.type({
    formatVersion: t.number, runId: nullable(t.string), status: RunStatus, now: Millis, requestedAt: nullable(Millis), startedAt: nullable(Millis),
    finishedAt: nullable(Millis), request: t.unknown, graph: nullable(record), directories: oneOf(['PENDING', 'READY', 'FAILED'], 'directories'),
    jobs: record, jobCounts: record, images: record,
    inFlight: t.type({ tasks: t.number, builds: t.number, downloads: t.number }), launchQueue: record, pacerTat: Millis, timers: record,
    wakeupAt: nullable(Millis), cost: t.type({ tasksUsd: t.number, buildsUsd: t.number, totalUsd: t.number, vcpuSeconds: t.number, gbSeconds: t.number }),
    startedByIndex: record, failure: nullable(t.string), cancel: nullable(t.type({ at: Millis, reason: t.string, by: nullable(t.string) })),
    stopping: t.boolean, diagnostics: record,
  }),
  t.partial({ commandRetries: t.UnknownArray }),
], 'RunState');

/**
 * Reads a run state you stored (parsed JSON): upgrades a state of an older format to this
 * version's (see `upgradeRunState`), refuses one of a newer format, and checks its shape, naming
 * the field that is wrong. The result is what `reduce` takes.
 */
export const decodeRunState = (value: unknown): Result<RunState, DecodeIssue> => {
  const upgraded = upgradeRunState(value);
  if (!upgraded.ok) return upgraded;
  const top = check(RunStateTop, upgraded.value);
  if (!top.ok) return top;
  if (top.value.request !== null) {
    const request = decodeEventAt(top.value.request, 'request');
    if (!request.ok) return request;
    if (request.value._tag !== 'RunRequested') return failure({ field: 'request._tag', message: `request must be a RunRequested, not ${request.value._tag}` });
  }
  return success(upgraded.value as unknown as RunState);
};
