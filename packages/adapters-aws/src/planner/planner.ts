/**
 * The planner (invoked asynchronously by the webhook, the cron schedules and the API): reads the
 * commit through the GitHub API, validates the workflows, plans builds against the image store,
 * and opens one run per triggered workflow by appending its `RunRequested` event (the table's
 * stream wakes the stepper). Workflows with errors are reported on the commit status instead —
 * except for a manual run: the API waits for the planner and answers the person who asked with
 * why the run did not start (`refused`), so a mistyped input never marks the commit as failed.
 */
import {
  isWorkflowFile,
  loadWorkflows,
  planWorkflow,
  runSettings,
  workflowsForPush,
  type RunRequested,
  type StoredImage as CoreStoredImage,
  type Trigger,
  type WorkflowPlan,
  type WorkflowSpec,
} from '@hyperp/core';
import { imageTag, jobImageKeys, resolveInputs, validationCheck } from '@hyperp/core/internal';
import type { AwsConfig } from '../config.js';
import type { GitHub } from '../github/app-client.js';
import { headCommit, remoteRepo } from '../github/repo-reader.js';
import { setCommitStatus } from '../github/statuses.js';
import { classifyAwsError } from '../aws/failure-class.js';
import { sendValidationCheck } from '../report/validation-check.js';
import { getRunMeta, runMetaItem } from '../run/meta.js';
import { REQUESTED_EVENT_ID } from '../run/event-ids.js';
import { appendWith } from '../store/event-log.js';
import type { Store } from '../store/store.js';
import type { ScheduleSyncFailure } from '../schedules/sync.js';
import type { PlanRequest } from './request.js';
import { plannedRunId } from './run-id.js';

/** fp-ts Either, read without depending on fp-ts here. */
type Either<L, R> = { readonly _tag: 'Left'; readonly left: L } | { readonly _tag: 'Right'; readonly right: R };
const E = {
  isLeft: <L, R>(e: Either<L, R>): e is { readonly _tag: 'Left'; readonly left: L } => e._tag === 'Left',
  isRight: <L, R>(e: Either<L, R>): e is { readonly _tag: 'Right'; readonly right: R } => e._tag === 'Right',
};

export interface PlannerDeps {
  readonly store: Store;
  readonly config: AwsConfig;
  readonly github: (installationId: number) => GitHub;
  /**
   * The image tags among these that ECR still holds (production: BatchGetImage). An image the
   * store knows but ECR lost is built again instead of failing the task's image pull.
   */
  readonly imagesInRegistry: (tags: readonly string[]) => Promise<ReadonlySet<string>>;
  /**
   * Keeps the EventBridge Scheduler schedules of the branch's cron triggers in step with its
   * workflows, each workflow on its own; answers the workflows whose schedules AWS refused.
   * `complete`: every workflow file of the commit loaded (only then may it delete schedules of
   * workflows it was not given).
   */
  readonly syncSchedules?: (
    repo: string, branch: string, installationId: number, workflows: readonly WorkflowSpec[], complete: boolean,
  ) => Promise<readonly ScheduleSyncFailure[]>;
  /**
   * Whether the installation granted `checks: write`: then problems are a check run with an
   * annotation per issue (`report/validation-check.ts`) instead of commit statuses.
   */
  readonly usesChecks?: (installationId: number) => Promise<boolean>;
  readonly now: () => number;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}

export interface PlannerResult {
  readonly commit: string;
  readonly runs: readonly { readonly runId: string; readonly workflow: string; readonly appended: boolean }[];
  /** Validation and plan problems, for a person. */
  readonly problems: readonly string[];
  /**
   * Why the workflow a manual or cron request names did not start (empty when it did, and for a
   * push): what the API answers the person who asked, with file and line where there is one.
   */
  readonly refused: readonly string[];
}

/**
 * At most this many refusals of this many characters each: the API answers them in its response,
 * and a synchronous invocation's response is at most 6 MB (Lambda quotas, read 2026-12).
 */
const REFUSALS_MAX = 50;
const REFUSAL_CHARS_MAX = 2000;

const bounded = (lines: readonly string[]): string[] => [
  ...lines.slice(0, REFUSALS_MAX).map((l) => (l.length > REFUSAL_CHARS_MAX ? `${l.slice(0, REFUSAL_CHARS_MAX)}…` : l)),
  ...(lines.length > REFUSALS_MAX ? [`… and ${lines.length - REFUSALS_MAX} more`] : []),
];

/** `file:line:col: message`, as `hyperp validate` places an issue. */
const placed = (i: { readonly file: string; readonly line?: number; readonly column?: number; readonly message: string }): string =>
  `${i.file}${i.line !== undefined ? `:${i.line}:${i.column ?? 1}` : ''}: ${i.message}`;

const triggerOf = (r: PlanRequest): Trigger => {
  switch (r.kind) {
    case 'push':
      return { kind: 'push', deliveryId: r.deliveryId, sender: r.sender };
    case 'cron':
      return { kind: 'cron', schedule: r.schedule, ...(r.name !== undefined ? { name: r.name } : {}) };
    case 'manual':
      return { kind: 'manual', requestedBy: r.requestedBy };
  }
};

/** The inputs a request gives a workflow: the API's, a named cron trigger's fixed ones, none on push. */
const givenInputs = (r: PlanRequest, w: WorkflowSpec): Readonly<Record<string, unknown>> => {
  if (r.kind === 'manual') return r.inputs ?? {};
  if (r.kind === 'cron') return w.triggers.cron.find((c) => c.schedule === r.schedule && (r.name === undefined || c.name === r.name))?.inputs ?? {};
  return {};
};

export const planner = (d: PlannerDeps) => async (request: PlanRequest): Promise<PlannerResult> => {
  // A manual request planned before (the API asking again after it stopped waiting) is answered
  // from the run it started, without reading the repository again.
  if (request.kind === 'manual') {
    const runId = plannedRunId(request, request.workflow);
    const meta = await getRunMeta(d.store.ctx, runId);
    if (meta) return { commit: meta.commit, runs: [{ runId, workflow: meta.workflow, appended: false }], problems: [], refused: [] };
  }
  const [owner, name] = request.repo.split('/') as [string, string];
  const gh = d.github(request.installationId);
  const commit =
    request.kind === 'push' ? request.commit : request.kind === 'manual' && request.commit ? request.commit : await headCommit(gh, owner, name, request.branch);
  const repo = await remoteRepo(gh, { owner, repo: name, commit });
  const prefetch = (p: string) => isWorkflowFile(p) || p === '.dockerignore' || p.endsWith('/.dockerignore');
  const loaded = await repo.snapshotReading(loadWorkflows, prefetch);
  const problems = loaded.issues.filter((i) => i.severity === 'error').map((i) => `${i.file}: ${i.message}`);
  const allLoaded = problems.length === 0;
  const refused: string[] = [];
  /** A problem of a workflow the request names (`refused`), said without the workflow's name. */
  const refuse = (w: string, message: string): void => {
    problems.push(`${w}: ${message}`);
    if (request.kind !== 'push') refused.push(message);
  };

  const selected =
    request.kind === 'push'
      ? workflowsForPush(loaded.workflows, request.branch)
      : loaded.workflows.filter((w) => w.name === request.workflow && (request.kind === 'cron' || w.triggers.manual));
  if (request.kind !== 'push' && selected.length === 0) {
    const missing = `workflow ${JSON.stringify(request.workflow)} is not in ${request.repo}@${commit.slice(0, 12)} or does not allow ${request.kind} runs`;
    problems.push(missing);
    // Its file may be one that did not load: its errors say why.
    refused.push(missing, ...loaded.issues.filter((i) => i.severity === 'error').map(placed));
  }

  // The image store, as plan reads it: the images of this commit's keys, and per job and
  // container the newest earlier image (to explain a rebuild by the files that changed).
  const keysOf = await repo.snapshotReading((s) =>
    selected.flatMap((w) => w.jobs.flatMap((j) => jobImageKeys(s, j, d.config.builderImage).map((k) => ({ w, j, k })))),
  );
  const keys = keysOf.flatMap(({ k }) => (E.isRight(k.result) ? [k.result.right.key] : []));
  const keySet = new Set(keys);
  const stored = await d.store.images.get(keys);
  const inRegistry = stored.size === 0 ? new Set<string>() : await d.imagesInRegistry([...stored.keys()].map(imageTag));
  const existing = new Map([...stored].filter(([key]) => inRegistry.has(imageTag(key))));
  if (existing.size < stored.size) {
    d.log('images in the store but not in ECR are built again', { keys: [...stored.keys()].filter((k) => !existing.has(k)) });
  }
  const coreImages = new Map<string, CoreStoredImage>();
  for (const { w, j, k } of keysOf) {
    if (E.isLeft(k.result)) continue;
    const key = k.result.right.key;
    const found = existing.get(key);
    if (found) {
      coreImages.set(key, { key, builtAt: Date.parse(found.builtAt), workflow: w.name, job: j.name, container: k.container, dockerfilePath: k.result.right.dockerfilePath });
      continue;
    }
    const newest = await d.store.images.newest({ repo: request.repo, workflow: w.name, job: j.name, container: k.container });
    // The baseline only explains a rebuild; one of this commit's own keys that ECR lost must not
    // come back through it as "exists".
    if (newest && !coreImages.has(newest.key) && (!keySet.has(newest.key) || existing.has(newest.key))) {
      coreImages.set(newest.key, {
        key: newest.key,
        builtAt: Date.parse(newest.builtAt),
        workflow: w.name,
        job: j.name,
        container: k.container,
        dockerfilePath: newest.planned?.dockerfilePath ?? k.result.right.dockerfilePath,
        ...(newest.planned ? { files: newest.planned.files } : {}),
      });
    }
  }

  const plans = await repo.snapshotReading((s) =>
    selected.map((w) => ({ w, plan: planWorkflow({ snapshot: s, images: coreImages, builderVersion: d.config.builderImage }, w) })),
  );
  const settingsBase = {
    render: {
      region: d.config.region ?? 'us-east-1',
      imageRepository: d.config.ecrRepositoryUri,
      efs: { fileSystemId: d.config.efsFileSystemId, rootDirectory: d.config.efsRootDirectory },
      logGroup: d.config.taskLogGroup,
      familyPrefix: d.config.familyPrefix,
      executionRoleArn: d.config.taskExecutionRoleArn,
      taskRoleArn: d.config.jobTaskRoleArn,
      // Declared secrets: files the stepper writes on the run's folders, mounted at /run/secrets.
      secretsOnEfs: true,
    },
    priceRegion: d.config.priceRegion ?? d.config.region ?? 'us-east-1',
    artifactsBucket: d.config.artifactsBucket,
  };

  const runs: { runId: string; workflow: string; appended: boolean }[] = [];
  for (const { w, plan } of plans) {
    if (!plan.ok) {
      for (const p of plan.issues) refuse(w.name, `job "${p.job}", container "${p.container}": ${p._tag} ${p.dockerfilePath}`);
      continue;
    }
    // Secrets reach jobs as files (docs/design-decisions.md); an environment variable would put
    // the value in RunTask's overrides or the task definition, which a deployment never does.
    const asEnv = w.jobs.flatMap((j) => (j.secrets ?? []).filter((s) => s.env !== undefined).map((s) => `${j.name}: ${s.name} as ${s.env}`));
    if (asEnv.length > 0) {
      refuse(w.name, `asks for secrets as environment variables (${[...new Set(asEnv)].join(', ')}), which a deployment does not give; read /run/secrets/<name> instead`);
      continue;
    }
    const inputs = resolveInputs(w.inputs ?? [], givenInputs(request, w));
    if (!inputs.ok) {
      for (const p of inputs.problems) refuse(w.name, p);
      continue;
    }
    const runId = plannedRunId(request, w.name);
    const meta = runMetaItem({
      runId, repo: request.repo, installationId: request.installationId, branch: request.branch, commit, workflow: w.name, trigger: request.kind,
    });
    const event: RunRequested = {
      _tag: 'RunRequested',
      at: d.now(),
      runId,
      trigger: triggerOf(request),
      commit,
      branch: request.branch,
      dirty: false,
      workflow: w,
      plan: plan.value,
      settings: runSettings({ ...settingsBase, statusContext: `hyperp/${w.name}` }),
      reuse: [],
      ...((w.inputs ?? []).length > 0 ? { inputs: inputs.inputs } : {}),
    };
    // One transaction: the request, the run's metadata the stepper reads with it, and the files
    // of the images it builds. A planner run twice finds the request logged and writes nothing.
    const r = await appendWith(
      d.store.ctx,
      { id: REQUESTED_EVENT_ID, runId, event, storedAt: new Date(d.now()).toISOString() },
      [meta, ...(await buildFileItems(d, request.repo, w, plan.value, keysOf))],
    );
    runs.push({ runId, workflow: w.name, appended: r === 'appended' });
    // Reused images are in use again: the registry keeps images by time since last use.
    for (const key of new Set(plan.value.jobs.flatMap((j) => j.images.filter((i) => i.action === 'reuse').map((i) => i.key)))) {
      const image = existing.get(key);
      if (image) await d.store.images.record(key, image.uri, new Date(d.now()).toISOString());
    }
  }

  // After the runs, so a schedule never holds up a push's runs. Each workflow's schedules are
  // synced on their own: one AWS refuses fails that workflow's schedule status, not the planning
  // (a user's mistake must not send the planner to its dead-letter queue). A workflow file with
  // errors is missing from `loaded.workflows`, so its schedules are kept (`complete` false).
  const checks = d.usesChecks && request.kind !== 'manual' ? await d.usesChecks(request.installationId).catch(() => false) : false;
  if (request.kind === 'push' && d.syncSchedules) {
    const failures = await d.syncSchedules(request.repo, request.branch, request.installationId, loaded.workflows, allLoaded);
    for (const f of failures) {
      problems.push(`${f.workflow}: ${f.reason}`);
      if (checks) continue; // listed in the check below
      await setCommitStatus(gh, {
        repo: request.repo, commit, state: 'failure', context: `hyperp/${f.workflow}/schedules`, targetUrl: null, description: f.reason,
      }).catch((e: Error) => d.log('commit status not set', { error: e.message }));
    }
  }

  if (problems.length > 0 && request.kind === 'manual') {
    // The API answers them to the person who asked (`refused`); errors of other workflow files
    // were reported when they were pushed.
    d.log('planning problems, answered to the API', { repo: request.repo, commit, problems });
  } else if (problems.length > 0 && checks) {
    d.log('planning problems', { repo: request.repo, commit, problems });
    // Annotations only on files of the commit (GitHub shows them on its lines); the rest are listed.
    const listed = new Set(repo.files.map((f) => f.path));
    const issues = loaded.issues.filter((i) => listed.has(i.file));
    const others = problems.slice(loaded.issues.filter((i) => i.severity === 'error').length);
    const unlisted = loaded.issues.filter((i) => !listed.has(i.file) && i.severity === 'error').map((i) => `${i.file}: ${i.message}`);
    try {
      await sendValidationCheck(gh, request.repo, commit, validationCheck(issues, [...unlisted, ...others]), d.now());
    } catch (e) {
      d.log('the validation check was not sent', { repo: request.repo, commit, error: (e as Error).message });
      // Planning again is harmless (its runs and schedules are idempotent): a rate limit or an
      // outage makes the invocation fail, and Lambda's retry sends the check.
      if (classifyAwsError(e).failure !== 'permanent') throw e;
    }
  } else if (problems.length > 0) {
    d.log('planning problems', { repo: request.repo, commit, problems });
    await setCommitStatus(gh, {
      repo: request.repo, commit, state: 'failure', context: 'hyperp', targetUrl: null,
      description: `${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems[0]}`,
    }).catch((e: Error) => d.log('commit status not set', { error: e.message }));
  }
  return { commit, runs, problems: request.kind === 'manual' ? bounded(problems) : problems, refused: bounded(refused) };
};

/** The files of every image this plan builds (one item per key), so a later rebuild can say what changed. */
const buildFileItems = async (
  d: PlannerDeps,
  repo: string,
  w: WorkflowSpec,
  plan: WorkflowPlan,
  keysOf: readonly { w: WorkflowSpec; j: { name: string }; k: ReturnType<typeof jobImageKeys>[number] }[],
): Promise<Record<string, unknown>[]> => {
  const items = new Map<string, Record<string, unknown>>();
  for (const job of plan.jobs) {
    for (const image of job.images) {
      if (image.action !== 'build' || items.has(image.key)) continue;
      const k = keysOf.find((x) => x.w === w && x.j.name === job.name && x.k.container === image.container)?.k.result;
      if (!k || E.isLeft(k)) continue;
      items.set(image.key, await d.store.images.plannedItem({
        key: image.key, repo, workflow: w.name, job: job.name, container: image.container,
        dockerfilePath: image.dockerfilePath, files: k.right.files,
      }));
    }
  }
  return [...items.values()];
};
