// A restartable orchestrator around @hyperp/core, in one file: kill it at any moment (even with
// SIGKILL), start it again with the same folder, and the run goes on where it was and ends as
// if nothing happened. It uses the real clock and keeps everything it knows in one JSON file,
// saved before it acts. Its "cluster" is a folder of task files, so tasks outlive the
// orchestrator as they would on ECS.
//
//   node --conditions=source --import tsx packages/core/examples/restartable.ts /tmp/hyperp-example
//
// The folder holds `run.json` (the orchestrator's state), `cluster/` (tasks and builds) and
// `launches.log` (one line per task the cluster really started).
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeCommand, decodeRunEvent, decodeRunState, imageStoreOf, initialState, isTerminalRun, loadWorkflows, planWorkflow, reduce, runRequested, runSettings, snapshotFromFiles,
  taskLaunchAccepted, taskRunning, taskStopped, type Command, type DecodeIssue, type Result, type RunEvent, type RunState,
} from '@hyperp/core';

// The repository: one workflow, a job built from a Dockerfile with two tasks, then a job on a
// ready-made image. Files in memory here; read them from a checkout in your orchestrator.
const files: Record<string, string> = {
  'hyperp-workflows/hello.yaml': [
    'workflowName: hello',
    'branches: [main]',
    'jobs:',
    '  - jobName: greet',
    '    taskDefinitionPath: greet/taskdef.json',
    '    concurrency: 2',
    '  - jobName: shout',
    '    taskDefinitionPath: shout/taskdef.json',
    '    dependsOn: [greet]',
    '',
  ].join('\n'),
  'greet/taskdef.json': '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "greet", "dockerfilePath": "greet/Dockerfile"}]}',
  'greet/Dockerfile': 'FROM node:22-alpine\nCOPY main.js .\nCMD ["node", "main.js"]\n',
  'greet/main.js': 'console.log(`hello from task ${process.env.TASK_INDEX}`);\n',
  'shout/taskdef.json': '{"cpu": "256", "memory": "512", "containerDefinitions": [{"name": "shout", "image": "node:22-alpine"}]}',
};

/** How long the fake cluster takes (real milliseconds). */
const TASK_MS = 400;
const BUILD_MS = 300;
const POLL_MS = 25;

/** Everything the orchestrator must not lose, in one file. */
interface Saved {
  readonly state: RunState;
  /** Commands of the last step not yet known to be carried out. */
  readonly outbox: readonly Command[];
  /** Events received and not yet folded. */
  readonly inbox: readonly RunEvent[];
  /** Cluster facts already moved into the inbox (`taskArn:status`), so each is delivered once. */
  readonly delivered: readonly string[];
}

/** What the fake cluster keeps per task or build: its file in `cluster/`. */
interface ClusterTask {
  readonly kind: 'task' | 'build';
  readonly startedBy: string;
  readonly taskArn: string;
  readonly containers: readonly string[];
  readonly key?: string;
  readonly imageUri?: string;
  readonly launchedAt: number;
  readonly runningAt: number;
  stopAt: number;
  exitCode: number;
}

/**
 * What was saved, checked field by field: a state of an older format is upgraded, a damaged or
 * newer one is refused with the field that is wrong, rather than folded into nonsense.
 */
const load = (text: string): Saved => {
  const v = JSON.parse(text) as { state: unknown; outbox: unknown[]; inbox: unknown[]; delivered: string[] };
  const problems: string[] = [];
  const check = <T>(where: string, r: Result<T, DecodeIssue>): T[] => {
    if (r.ok) return [r.value];
    problems.push(...r.issues.map((i) => `${where}${i.field === '' ? '' : `.${i.field}`}: ${i.message}`));
    return [];
  };
  const state = check('state', decodeRunState(v.state));
  const outbox = v.outbox.flatMap((c, i) => check(`outbox[${i}]`, decodeCommand(c)));
  const inbox = v.inbox.flatMap((e, i) => check(`inbox[${i}]`, decodeRunEvent(e)));
  if (problems.length > 0 || state[0] === undefined) throw new Error(`run.json cannot be read:\n${problems.join('\n')}`);
  return { state: state[0], outbox, inbox, delivered: v.delivered };
};

export const runRestartable = async (dir: string): Promise<RunState> => {
  const runFile = join(dir, 'run.json');
  const clusterDir = join(dir, 'cluster');
  mkdirSync(clusterDir, { recursive: true });

  const save = (s: Saved): void => {
    // Write a new file and rename it over the old one: a crash leaves one or the other, whole.
    writeFileSync(`${runFile}.tmp`, JSON.stringify(s));
    renameSync(`${runFile}.tmp`, runFile);
  };

  // The first start makes the run request from the files; every later start loads run.json.
  const firstRequest = (): RunEvent => {
    const { snapshot } = snapshotFromFiles({ commit: 'example', files: Object.entries(files).map(([path, content]) => ({ path, content })) });
    const { workflows, issues } = loadWorkflows(snapshot);
    if (issues.length > 0) throw new Error(issues.map((i) => `${i.file}:${i.line ?? 1}: ${i.message}`).join('\n'));
    const workflow = workflows[0]!;
    const plan = planWorkflow({ snapshot, images: imageStoreOf([]), builderVersion: 'example-builder' }, workflow);
    if (!plan.ok) throw new Error(JSON.stringify(plan.issues));
    const request = runRequested({
      runId: 'example-1', at: Date.now(), snapshot, branch: 'main', workflow, plan: plan.value,
      settings: runSettings({ render: { region: 'us-east-1', imageRepository: 'registry.example/hello', efs: { fileSystemId: 'fs-example', rootDirectory: '/' }, logGroup: 'hello' } }),
    });
    if (!request.ok) throw new Error(JSON.stringify(request.issues));
    return request.value;
  };
  let saved: Saved = existsSync(runFile) ? load(readFileSync(runFile, 'utf8')) : { state: initialState(), outbox: [], inbox: [firstRequest()], delivered: [] };
  save(saved);

  const taskFile = (startedBy: string): string => join(clusterDir, `${encodeURIComponent(startedBy)}.json`);
  const readTask = (path: string): ClusterTask => JSON.parse(readFileSync(path, 'utf8')) as ClusterTask;

  /** The fake cluster starts a task once per `startedBy`, however often it is asked. */
  const launch = (t: Omit<ClusterTask, 'launchedAt' | 'runningAt' | 'stopAt' | 'exitCode'>, ms: number): ClusterTask => {
    const path = taskFile(t.startedBy);
    if (existsSync(path)) return readTask(path);
    const now = Date.now();
    const task: ClusterTask = { ...t, launchedAt: now, runningAt: now + 50, stopAt: now + ms, exitCode: 0 };
    writeFileSync(`${path}.tmp`, JSON.stringify(task));
    renameSync(`${path}.tmp`, path);
    appendFileSync(join(dir, 'launches.log'), `${t.startedBy}\n`);
    return task;
  };

  /** Carries out one command; returns the events that answer it at once. Each is safe to repeat. */
  const carryOut = (c: Command): RunEvent[] => {
    const at = Date.now();
    switch (c._tag) {
      case 'EnsureDirectories':
        for (const p of c.paths) mkdirSync(join(dir, 'artifacts', p), { recursive: true });
        return [{ _tag: 'DirectoriesEnsured', at }];
      case 'RegisterTaskDefinition':
        return [{ _tag: 'TaskDefinitionRegistered', at, job: c.job, taskDefinitionArn: `example:${c.family}:1` }];
      case 'BuildImage': {
        const t = launch({ kind: 'build', startedBy: c.startedBy, taskArn: `build/${c.key.slice(0, 12)}`, containers: [], key: c.key, imageUri: c.imageUri }, BUILD_MS);
        return [{ _tag: 'ImageBuildStarted', at, key: c.key, taskArn: t.taskArn }];
      }
      case 'RunTask': {
        const t = launch({ kind: 'task', startedBy: c.startedBy, taskArn: `task/${c.attemptKey}`, containers: c.overrides.containerOverrides.map((o) => o.name) }, TASK_MS);
        return [taskLaunchAccepted(at, c.startedBy, t.taskArn)];
      }
      case 'StopTask': {
        const path = taskFile(c.startedBy);
        if (existsSync(path)) {
          const t = readTask(path);
          if (t.stopAt > at) writeFileSync(path, JSON.stringify({ ...t, stopAt: at, exitCode: 143 }));
        }
        return [];
      }
      default:
        // ScheduleWakeup: the poll below delivers a Tick once `state.wakeupAt` has passed.
        // RecordImage, CreateDownloadable, DeregisterTaskDefinitions, SetCommitStatus: nothing here.
        return [];
    }
  };

  /** What the cluster says happened since the last look: each task's RUNNING and STOPPED, once. */
  const poll = (s: Saved): { events: RunEvent[]; delivered: string[] } => {
    const now = Date.now();
    const events: RunEvent[] = [];
    const delivered: string[] = [];
    const seen = new Set(s.delivered);
    for (const name of readdirSync(clusterDir).filter((n) => n.endsWith('.json'))) {
      const t = readTask(join(clusterDir, name));
      const fact = (status: string, event: RunEvent) => {
        if (!seen.has(`${t.taskArn}:${status}`)) events.push(event), delivered.push(`${t.taskArn}:${status}`);
      };
      if (t.kind === 'build') {
        if (now >= t.stopAt) fact('STOPPED', { _tag: 'ImageBuildSucceeded', at: t.stopAt, key: t.key!, imageUri: t.imageUri!, usage: null });
        continue;
      }
      if (now >= t.runningAt) fact('RUNNING', taskRunning(t.runningAt, t.startedBy, t.taskArn, t.containers, { pullStartedAt: t.launchedAt }));
      if (now >= t.stopAt) {
        const exits = Object.fromEntries(t.containers.map((n) => [n, t.exitCode]));
        fact('STOPPED', taskStopped(t.stopAt, t.startedBy, t.taskArn, exits, { pullStartedAt: t.launchedAt, startedAt: t.runningAt }));
      }
    }
    if (s.state.wakeupAt !== null && now >= s.state.wakeupAt) events.push({ _tag: 'Tick', at: now });
    return { events, delivered };
  };

  // After a restart, the saved commands are carried out again: any of them may not have been.
  const settled = (s: Saved) =>
    isTerminalRun(s.state.status) && s.inbox.length === 0 && s.outbox.length === 0 &&
    s.state.inFlight.tasks + s.state.inFlight.builds + s.state.inFlight.downloads === 0;
  while (!settled(saved)) {
    if (saved.outbox.length > 0) {
      const results = saved.outbox.flatMap(carryOut);
      saved = { ...saved, outbox: [], inbox: [...saved.inbox, ...results] };
      save(saved);
      continue;
    }
    const [event, ...rest] = saved.inbox;
    if (event !== undefined) {
      const [state, commands] = reduce(saved.state, event);
      saved = { ...saved, state, outbox: commands, inbox: rest };
      save(saved); // save first, then act
      continue;
    }
    const { events, delivered } = poll(saved);
    if (events.length > 0) {
      saved = { ...saved, inbox: events, delivered: [...saved.delivered, ...delivered] };
      save(saved);
    } else await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return saved.state;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error('usage: restartable.ts FOLDER   (the same folder again resumes the run)');
    process.exit(2);
  }
  const state = await runRestartable(dir);
  console.log(`run ${state.request?.runId} ${state.status}`);
}
