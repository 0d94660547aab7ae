// What the server answers (packages/cli/src/ui): a run as the page draws it, and the lists around it.

export interface Attempt {
  index: number;
  attempt: number;
  status: string;
  exitCode: number | null;
  reason: string | null;
  launchedAt: number | null;
  runningAt: number | null;
  stoppedAt: number | null;
  notBefore: number | null;
  durationSeconds: number | null;
  costUsd: number;
}

export interface Image {
  key: string;
  dockerfilePath: string;
  jobs: string[];
  container: string;
  action: 'build' | 'reuse';
  why: string;
  changedFiles: string[];
  status: string;
  startedAt: number | null;
  finishedAt: number | null;
  failure: string | null;
  costUsd: number;
  critical: boolean;
}

export interface Job {
  name: string;
  status: string;
  reason: string | null;
  dependsOn: string[];
  concurrency: number;
  containers: string[];
  counts: { done: number; running: number; failed: number; waiting: number };
  costUsd: number;
  startedAt: number | null;
  finishedAt: number | null;
  attempts: Attempt[];
  downloadable: boolean;
  critical: boolean;
}

export interface Run {
  runId: string;
  workflow: string;
  commit: string;
  branch: string;
  trigger: string;
  dirty: boolean;
  status: string;
  ended: boolean;
  failure: string | null;
  costUsd: number;
  buildsUsd: number;
  requestedAt: number | null;
  finishedAt: number | null;
  now: number | null;
  jobs: Job[];
  images: Image[];
  detailed: boolean;
  /** Why not detailed: a deployment whose API has no detail route. */
  undetailed?: string;
  resumeWith?: string;
}

export interface RunRow {
  runId: string;
  workflow: string;
  commit: string;
  status: string;
  costUsd: number;
  requestedAt: string | null;
  branch?: string;
  finishedAt?: string | null;
  problem?: string;
  resumeWith?: string;
}

export interface LogPage {
  text: string;
  cursor: string | null;
  more: boolean;
  ended: boolean;
  attempt: number;
  attempts: { attempt: number; status: string }[];
}

export interface Issue {
  severity: 'error' | 'warning';
  file: string;
  path: string;
  line: number | null;
  column: number | null;
  message: string;
  rule: string;
  text: string | null;
}

export interface WorkflowGraph {
  name: string;
  file: string;
  description: string | null;
  branches: string[];
  jobs: { name: string; dependsOn: string[]; concurrency: number; downloadable: boolean; retries: number }[];
}

export interface PlanImage {
  container: string;
  key: string;
  action: string;
  reason: string;
  changedFiles: string[];
}

export interface Workflows {
  ok: boolean;
  issues: Issue[];
  graphs: WorkflowGraph[];
  plan: { commit: string; branch: string; workflows: { name: string; file: string; jobs: { name: string; action: string; images: PlanImage[] }[] }[] } | null;
  planError: string | null;
}

export interface ArtifactsJob {
  name: string;
  status: string;
  files: number | null;
  bytes: number | null;
  download: 'zip' | 'on-demand' | 'none';
  zipBytes: number | null;
  reason: string | null;
}
