/**
 * The files `hyperp init` writes: the smallest workflow that runs at once, anywhere. Its program
 * is a POSIX shell script on Alpine, so the process engine runs it with the host's `/bin/sh`
 * (every host has one; a python or node image would need that runtime on the host) and Docker
 * or Podman pull a 3 MB base image.
 */

export interface ScaffoldFile {
  /** Path relative to the folder, `/`-separated. */
  readonly path: string;
  /** What it is, for the listing `init` prints. */
  readonly what: string;
  readonly text: string;
}

const workflow = `# A hyperp workflow: every job runs the task definition it names, in the image its
# containers' dockerfilePath builds (every key: docs/workflow-reference.md of hyperp).
workflowName: hello
workflowDescription: Greets from a container and keeps the greeting as the job's output.
# The branches whose pushes run it; "**" is every branch (hyperp run uses the checked-out one).
branches:
  - "**"
jobs:
  - jobName: hello
    jobDescription: Writes a greeting to /output.
    taskDefinitionPath: hello/taskdef.json
`;

const taskDefinition = `${JSON.stringify({
  family: 'hello',
  cpu: '256',
  memory: '512',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [
    {
      name: 'hello',
      dockerfilePath: 'hello/Dockerfile',
      essential: true,
      environment: [{ name: 'GREETING', value: 'hello from hyperp' }],
    },
  ],
}, null, 2)}\n`;

const dockerfile = `FROM alpine:3.20
WORKDIR /app
COPY main.sh .
CMD ["sh", "/app/main.sh"]
`;

const program = `#!/bin/sh
# The job's program. It writes what it makes to /output (the jobs that depend on it read it
# from /input/hello); TASK_INDEX and TASK_TOTAL_SIZE say which of the job's tasks this is.
set -eu
echo "$GREETING (task $TASK_INDEX of $TASK_TOTAL_SIZE)"
echo "$GREETING" > /output/greeting.txt
`;

export const SCAFFOLD: readonly ScaffoldFile[] = [
  { path: 'hyperp-workflows/hello.yaml', what: 'the workflow: one job, "hello"', text: workflow },
  { path: 'hello/taskdef.json', what: "the job's ECS task definition: size, environment", text: taskDefinition },
  { path: 'hello/Dockerfile', what: "the job's image", text: dockerfile },
  { path: 'hello/main.sh', what: 'the program the job runs', text: program },
];
