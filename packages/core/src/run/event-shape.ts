/**
 * Whether a value read back from a store has the shape of a run event: a known `_tag`, a time,
 * and the fields the reducer reads, with their JSON types. A log line damaged on disk (NULs after
 * a crash, `null`, a stray value) must be seen as damage, not folded as an event that lost its
 * meaning. Only the top level is checked: nested values are what hyperp itself wrote.
 */
import type { RunEventTag } from './events.js';

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'string|null' | 'number|null' | 'object|null';

/** Every event's required fields beyond `_tag` and `at`, from `events.ts`. */
const fields = {
  RunRequested: { runId: 'string', trigger: 'object', commit: 'string', branch: 'string', dirty: 'boolean', workflow: 'object', plan: 'object', settings: 'object', reuse: 'array' },
  DirectoriesEnsured: {},
  DirectoriesFailed: { reason: 'string' },
  TaskDefinitionRegistered: { job: 'string', taskDefinitionArn: 'string' },
  TaskDefinitionRejected: { job: 'string', reason: 'string' },
  ImageBuildStarted: { key: 'string', taskArn: 'string|null' },
  ImageBuildSucceeded: { key: 'string', imageUri: 'string', usage: 'object|null' },
  ImageBuildFailed: { key: 'string', reason: 'string', usage: 'object|null' },
  TaskLaunchAccepted: { startedBy: 'string', taskArn: 'string' },
  TaskLaunchRejected: { startedBy: 'string', reason: 'string', retryable: 'boolean' },
  TaskStateObserved: {
    startedBy: 'string', taskArn: 'string', lastStatus: 'string', containers: 'array', stopCode: 'string|null', stoppedReason: 'string|null',
    pullStartedAt: 'number|null', startedAt: 'number|null', stoppedAt: 'number|null', cpu: 'number|null', memory: 'number|null', arch: 'string', ephemeralStorageGiB: 'number',
  },
  DownloadableReady: { job: 'string', location: 'string', bytes: 'number' },
  DownloadableFailed: { job: 'string', reason: 'string' },
  CancelRequested: { reason: 'string', by: 'string|null' },
  CommandFailed: { command: 'object', failure: 'string', reason: 'string' },
  Tick: {},
} as const satisfies Record<RunEventTag, Record<string, Kind>>;

const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' && !Number.isFinite(v) ? 'not a number' : typeof v;

const fits = (v: unknown, kind: Kind): boolean => kind.split('|').includes(kindOf(v));

/** Why `value` is not a run event, or undefined when it has an event's shape. */
export const runEventShapeProblem = (value: unknown): string | undefined => {
  if (kindOf(value) !== 'object') return `a run event is a JSON object, not ${kindOf(value)}`;
  const v = value as Record<string, unknown>;
  const tag = v['_tag'];
  if (typeof tag !== 'string' || !Object.hasOwn(fields, tag)) return `no known event "_tag" (${typeof tag === 'string' ? JSON.stringify(tag.slice(0, 40)) : kindOf(tag)})`;
  if (!fits(v['at'], 'number')) return `${tag}: "at" must be a number of milliseconds, not ${kindOf(v['at'])}`;
  for (const [name, kind] of Object.entries(fields[tag as RunEventTag] as Record<string, Kind>)) {
    if (!fits(v[name], kind)) return `${tag}: "${name}" must be ${kind.replace('|', ' or ')}, not ${v[name] === undefined ? 'missing' : kindOf(v[name])}`;
  }
  return undefined;
};
