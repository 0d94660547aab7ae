// Small workflow repositories made in temp dirs for the local runtime's end-to-end tests.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Temp repositories are removed when the test file's process ends.
const made: string[] = [];
process.once('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const tempDir = (prefix: string): string => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
};

export interface TestJob {
  readonly name: string;
  /** Python run as the container's command. */
  readonly script: string;
  readonly dependsOn?: readonly string[];
  readonly concurrency?: number;
  readonly retries?: number;
  readonly timeoutSeconds?: number;
  readonly downloadable?: boolean;
  readonly stopTimeout?: number;
}

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'pipe' });

const commitAll = (dir: string) => {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'test');
};

export const makeRepo = (
  jobs: readonly TestJob[],
  extra: { shared?: string[]; failFast?: boolean; files?: Record<string, string>; executables?: readonly string[] } = {},
): string => {
  const dir = tempDir('hyperp-e2e-');
  const files: Record<string, string> = {};
  const yaml = [
    'workflowName: test',
    ...(extra.failFast ? ['failFast: true'] : []),
    ...(extra.shared ? ['artifacts:', '  shared:', ...extra.shared.map((s) => `    - name: ${s}`)] : []),
    'jobs:',
  ];
  jobs.forEach((j, i) => {
    const d = `job${i}`;
    yaml.push(`  - jobName: ${JSON.stringify(j.name)}`, `    taskDefinitionPath: ${d}/taskdef.json`);
    if (j.dependsOn) yaml.push(`    dependsOn: [${j.dependsOn.map((x) => JSON.stringify(x)).join(', ')}]`);
    if (j.concurrency) yaml.push(`    concurrency: ${j.concurrency}`);
    if (j.retries) yaml.push(`    retries: ${j.retries}`);
    if (j.timeoutSeconds) yaml.push(`    timeoutSeconds: ${j.timeoutSeconds}`);
    if (j.downloadable) yaml.push('    downloadable: true');
    files[`${d}/Dockerfile`] = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY main.py .\nRUN pip install nothing\nCMD ["python3", "-u", "main.py"]\n';
    files[`${d}/main.py`] = j.script;
    files[`${d}/taskdef.json`] = JSON.stringify({
      family: `t${i}`, cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'main', dockerfilePath: `${d}/Dockerfile`, essential: true, ...(j.stopTimeout !== undefined ? { stopTimeout: j.stopTimeout } : {}) }],
    });
  });
  files['hyperp-workflows/test.yaml'] = yaml.join('\n') + '\n';
  Object.assign(files, extra.files ?? {});
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  for (const p of extra.executables ?? []) chmodSync(join(dir, p), 0o755); // committed as 100755
  commitAll(dir);
  return dir;
};

/** The calculator fixture as its own git repository. */
export const calculatorRepo = (): string => {
  const dir = tempDir('hyperp-calc-');
  cpSync(new URL('../../../../fixtures/calculator', import.meta.url).pathname, dir, { recursive: true });
  commitAll(dir);
  return dir;
};

export const read = (p: string): string => readFileSync(p, 'utf8');
