// Driving @hyperp/core from your own orchestrator, in one file. The orchestrator keeps an inbox
// of events; for each: reduce, save the state, then carry out the commands, whose results are new
// events. Here "running a task" calls a JavaScript function and the clock is logical, so the
// example runs anywhere in milliseconds. Run it: node --conditions=source --import tsx packages/core/examples/embed.ts
import {
  initialState, reduce, runSettings, taskLaunchAccepted, taskRunning, taskStopped,
  type Command, type RunEvent, type RunState, type WorkflowPlan, type WorkflowSpec,
} from '@hyperp/core';

/** What each job does: given TASK_INDEX and the outputs of its dependencies, an exit code and an output. */
type JobProgram = (index: number, inputs: Readonly<Record<string, readonly string[]>>) => { exitCode: number; output: string };

const programs: Record<string, JobProgram> = {
  greet: (index) => ({ exitCode: 0, output: `hello from task ${index}` }),
  shout: (_index, inputs) => ({ exitCode: 0, output: (inputs.greet ?? []).join(' / ').toUpperCase() }),
};

const container = (name: string) => ({ name, image: 'node:22-alpine', essential: true });
const workflow: WorkflowSpec = {
  file: 'hyperp-workflows/hello.yaml',
  name: 'hello',
  branches: ['**'],
  sharedArtifacts: [],
  failFast: false,
  triggers: { push: true, manual: true, cron: [] },
  jobs: [
    { name: 'greet', taskDefinitionPath: 'greet/taskdef.json', taskDefinition: { cpu: '256', memory: '512', containerDefinitions: [container('greet')] }, dependsOn: [], concurrency: 2, retries: 0, downloadable: false },
    { name: 'shout', taskDefinitionPath: 'shout/taskdef.json', taskDefinition: { cpu: '256', memory: '512', containerDefinitions: [container('shout')] }, dependsOn: ['greet'], concurrency: 1, retries: 0, downloadable: false },
  ],
};
// Containers name an `image`, so there is nothing to build.
const plan: WorkflowPlan = { name: 'hello', file: workflow.file, jobs: [{ name: 'greet', action: 'reuse', images: [] }, { name: 'shout', action: 'reuse', images: [] }] };

export interface ExampleResult {
  readonly status: RunState['status'];
  readonly outputs: Readonly<Record<string, readonly string[]>>;
  readonly costUsd: number;
  /** One line per command carried out, in order. */
  readonly log: readonly string[];
}

export const runExample = (): ExampleResult => {
  let clock = 1_700_000_000_000;
  let taskSerial = 0;
  const outputs: Record<string, string[]> = {};
  const log: string[] = [];
  const inbox: RunEvent[] = [{
    _tag: 'RunRequested', at: clock, runId: 'example-1', trigger: { kind: 'manual', requestedBy: 'example' },
    commit: '0000000000000000000000000000000000000000', branch: 'main', dirty: false, workflow, plan, reuse: [],
    settings: runSettings({
      render: { region: 'local', imageRepository: 'local', efs: { fileSystemId: 'local', rootDirectory: '/' }, logGroup: 'local' },
      priceRegion: 'us-east-1',
      statusContext: 'hyperp/hello',
    }),
  }];

  /** The orchestrator's side: turn one command into I/O (here: function calls) and report the results as events. */
  const carryOut = (c: Command): RunEvent[] => {
    log.push(c._tag === 'RunTask' ? `RunTask ${c.job} #${c.index}` : c._tag === 'SetCommitStatus' ? `SetCommitStatus ${c.state}: ${c.description}` : c._tag);
    switch (c._tag) {
      case 'EnsureDirectories':
        return [{ _tag: 'DirectoriesEnsured', at: clock }];
      case 'RegisterTaskDefinition':
        return [{ _tag: 'TaskDefinitionRegistered', at: clock, job: c.job, taskDefinitionArn: `local:${c.family}:1` }];
      case 'RunTask': {
        const arn = `local-task-${++taskSerial}`;
        const started = clock;
        const { exitCode, output } = programs[c.job]!(c.index, outputs);
        (outputs[c.job] ??= []).push(output);
        clock += 1500; // each task "takes" 1.5 s of logical time
        const container = workflow.jobs.find((j) => j.name === c.job)!.taskDefinition.containerDefinitions[0]!.name;
        return [
          taskLaunchAccepted(started, c.startedBy, arn),
          taskRunning(started, c.startedBy, arn, [container], { pullStartedAt: started }),
          taskStopped(clock, c.startedBy, arn, { [container]: exitCode }, { pullStartedAt: started, startedAt: started }),
        ];
      }
      case 'ScheduleWakeup':
        clock = Math.max(clock, c.at);
        return [{ _tag: 'Tick', at: clock }];
      default:
        // Builds, stops, zips, image records, deregistration: nothing to do in this toy.
        return [];
    }
  };

  let state = initialState();
  for (let event = inbox.shift(); event !== undefined; event = inbox.shift()) {
    const [next, commands] = reduce(state, event);
    state = next; // a real orchestrator saves the state here, before acting
    for (const c of commands) inbox.push(...carryOut(c));
  }
  return { status: state.status, outputs, costUsd: state.cost.totalUsd, log };
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = runExample();
  console.log(r.log.join('\n'));
  console.log(`\nrun ${r.status}; outputs ${JSON.stringify(r.outputs)}; Fargate cost $${r.costUsd}`);
}
