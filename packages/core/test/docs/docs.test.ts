// docs/workflow-reference.md and docs/cost.md state facts the code decides: keys, defaults,
// limits, rules, the Fargate grid, the price table and a worked cost example. These tests read
// the documents and compare them with the code, so neither can drift from the other.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { jobDefaults, knownKeys, workflowDefaults } from '../../src/workflow/model.js';
import { limits } from '../../src/workflow/rules-jobs.js';
import { defaultBuildResources } from '../../src/run/graph.js';
import { ruleNames } from '../../src/workflow/issue.js';
import { fargateGrid } from '../../src/fargate/grid.js';
import { dockerignoreFilter } from '../../src/images/dockerignore.js';
import { loadWorkflows } from '../../src/workflow/load.js';
import type { WorkflowSpec } from '../../src/workflow/spec.js';
import { folderSnapshot, memorySnapshot } from '../workflow/fs-snapshot.js';
import { defaultPriceTable, INCLUDED_EPHEMERAL_GB, MAX_EPHEMERAL_GB, MINIMUM_BILLED_SECONDS, taskCost, type CpuArchitecture } from '../../src/cost/index.js';

const docs = new URL('../../../../docs/', import.meta.url).pathname;
const read = (name: string): string => readFileSync(`${docs}${name}`, 'utf8');

/** The rows of the first Markdown table after `heading`, as cells (backticks kept). */
const table = (text: string, heading: string): string[][] => {
  const from = text.indexOf(`\n${heading}\n`);
  assert.ok(from >= 0, `no heading ${heading}`);
  const lines = text.slice(from).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split('|').map((c) => c.trim()));
  }
  return rows;
};
const code = (cell: string): string => /^`([^`]*)`/.exec(cell)?.[1] ?? cell;

const ref = suite('docs/workflow-reference.md');
const reference = read('workflow-reference.md');

ref('the key tables list exactly the keys the workflow format has', () => {
  const workflowKeys = table(reference, '## Workflow keys').map((r) => code(r[0]!));
  assert.equal(workflowKeys.map((k) => k.split('.')[0]).sort(), [...knownKeys.workflow].sort());
  assert.ok(workflowKeys.includes('artifacts.shared'));
  const jobKeys = table(reference, '## Job keys').map((r) => code(r[0]!));
  assert.equal([...new Set(jobKeys.map((k) => k.split('.')[0]))].sort(), [...knownKeys.job].sort());
  assert.equal(jobKeys.filter((k) => k.startsWith('imageBuildResources.')).map((k) => k.split('.')[1]), [...knownKeys.imageBuildResources]);
  for (const key of [...knownKeys.triggers, ...knownKeys.cron]) assert.match(reference, new RegExp(`\\n\\s+-? ?${key}:`), key);
});

ref('defaults and ranges are the code\'s', () => {
  const jobs = Object.fromEntries(table(reference, '## Job keys').map((r) => [code(r[0]!), { type: r[1]!, def: r[2]! }]));
  const wf = Object.fromEntries(table(reference, '## Workflow keys').map((r) => [code(r[0]!), { type: r[1]!, def: r[2]! }]));
  assert.equal(
    { concurrency: jobs['concurrency']!.def, retries: jobs['retries']!.def, downloadable: jobs['downloadable']!.def, dependsOn: jobs['dependsOn']!.def },
    {
      concurrency: `\`${jobDefaults.concurrency}\``, retries: `\`${jobDefaults.retries}\``,
      downloadable: `\`${jobDefaults.downloadable}\``, dependsOn: `\`${JSON.stringify(jobDefaults.dependsOn)}\``,
    },
  );
  assert.is(jobs['concurrency']!.type, `whole number, ${limits.concurrency.min}–${limits.concurrency.max}`);
  assert.is(jobs['retries']!.type, `whole number, ${limits.retries.min}–${limits.retries.max}`);
  assert.is(wf['failFast']!.def, `\`${workflowDefaults.failFast}\``);
  assert.equal(
    [jobs['imageBuildResources.cpu']!.def, jobs['imageBuildResources.memory']!.def],
    [`\`${defaultBuildResources.cpu}\` (${defaultBuildResources.cpu / 1024} vCPU)`, `\`${defaultBuildResources.memory}\` (${defaultBuildResources.memory / 1024} GB)`],
  );
  assert.match(wf['branches']!.def, `\`${JSON.stringify(workflowDefaults.branches)}\``);
  assert.match(reference, `push: ${workflowDefaults.triggers.push}          # default ${workflowDefaults.triggers.push}`);
  assert.match(reference, `manual: ${workflowDefaults.triggers.manual}        # default ${workflowDefaults.triggers.manual}`);
});

ref('the rule table names every rule, once', () => {
  const rules = table(reference, '## Validation').map((r) => code(r[0]!));
  assert.equal([...rules].sort(), [...ruleNames].sort());
});

ref('the Fargate size table is the grid validation uses', () => {
  const rows = table(reference, '### Fargate sizes').map(([cpu, vcpu, memory]) => {
    const steps = /^(\d+) to (\d+) in steps of (\d+)$/.exec(memory!);
    const choices = steps
      ? Array.from({ length: (Number(steps[2]) - Number(steps[1])) / Number(steps[3]) + 1 }, (_, k) => Number(steps[1]) + k * Number(steps[3]))
      : memory!.split(', ').map(Number);
    return { cpu: Number(cpu), vcpu: Number(vcpu), memory: choices };
  });
  assert.equal(rows, fargateGrid.map((r) => ({ cpu: r.cpu, vcpu: r.cpu / 1024, memory: [...r.memory] })));
});

ref('the .dockerignore examples behave as written', () => {
  const example = /`(\S+)`\s+leaves\s+`(\S+)`\s+in;\s+`(\S+)`\s+takes\s+it\s+out/.exec(reference);
  assert.ok(example, 'no .dockerignore example');
  const [, leaves, path, takes] = example!;
  assert.equal([dockerignoreFilter(leaves)(path!), dockerignoreFilter(takes)(path!)], [true, false]);
});

ref('the complete example is the calculator fixture (descriptions aside), and the task definition example loads', () => {
  const yaml = /## A complete example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(reference)?.[1];
  const json = /## Task definitions[\s\S]*?```json\n([\s\S]*?)```/.exec(reference)?.[1];
  assert.ok(yaml && json);
  const fixture = folderSnapshot(new URL('../../../../fixtures/calculator/', import.meta.url).pathname);
  const withFiles = (files: Record<string, string>) => {
    const all: Record<string, string> = {};
    for (const f of fixture.files) all[f.path] = fixture.read(f.path)!;
    return loadWorkflows(memorySnapshot({ ...all, ...files }));
  };
  const documented = withFiles({ 'hyperp-workflows/calculator.yaml': yaml! });
  const original = loadWorkflows(fixture);
  assert.equal(documented.issues, []);
  const strip = (w: WorkflowSpec) => ({ ...w, jobs: w.jobs.map(({ description: _, ...j }) => j) });
  assert.equal(documented.workflows.map(strip), original.workflows.map(strip));
  const td = withFiles({ 'multiply/taskdef.json': json! });
  assert.equal(td.issues, []);
  assert.equal(td.workflows[0]!.jobs[1]!.taskDefinition.containerDefinitions, JSON.parse(json!).containerDefinitions);
});

ref.run();

const cost = suite('docs/cost.md');
const costDoc = read('cost.md');

cost('the price table is defaultPriceTable, row by row, with its date', () => {
  const dollars = (cell: string): number | undefined => (cell === '—' ? undefined : Number(cell.replace(/^\$/, '')));
  const documented = table(costDoc, '## The price table').flatMap(([regions, arch, odCpu, odGb, spotCpu, spotGb, eph, efs]) =>
    regions!.split(', ').map((region) => ({
      region, arch,
      onDemand: { perVcpuHour: dollars(odCpu!), perGbHour: dollars(odGb!) },
      spot: spotCpu === '—' ? undefined : { perVcpuHour: dollars(spotCpu!), perGbHour: dollars(spotGb!) },
      ephemeral: dollars(eph!), efs: dollars(efs!),
    })));
  const actual = Object.entries(defaultPriceTable.regions).flatMap(([region, p]) =>
    (['x86_64', 'arm64'] as CpuArchitecture[]).map((arch) => ({
      region, arch,
      onDemand: p.fargate[arch]['on-demand'],
      spot: p.fargate[arch].spot,
      ephemeral: p.ephemeralStoragePerGbHour, efs: p.efsStandardPerGbMonth,
    })));
  const byKey = (xs: typeof documented) => [...xs].sort((a, b) => `${a.region}/${a.arch}`.localeCompare(`${b.region}/${b.arch}`));
  assert.equal(byKey(documented), byKey(actual as typeof documented));
  assert.match(costDoc, `\`defaultPriceTable\` in \`packages/core/src/cost/prices.ts\`, read ${defaultPriceTable.asOf}`);
  assert.match(costDoc, `max(${MINIMUM_BILLED_SECONDS}, ceil(`);
  assert.match(costDoc, `whole number of GB from ${INCLUDED_EPHEMERAL_GB} to ${MAX_EPHEMERAL_GB}`);
});

cost('the worked example is what taskCost computes', () => {
  const block = /## A worked example[\s\S]*?```\n([\s\S]*?)```/.exec(costDoc)?.[1];
  assert.ok(block, 'no worked example');
  const task = /^task:\s+cpu (\d+), memory (\d+), (x86_64|arm64) (on-demand|spot), ([a-z0-9-]+), ephemeralStorage (\d+) GiB$/m.exec(block!)!;
  const times = /^times:\s+pullStartedAt (\S+), startedAt (\S+), stoppedAt (\S+)$/m.exec(block!)!;
  assert.ok(task && times, block);
  const figure = (label: string): number => Number(new RegExp(`^${label}\\s.*=\\s+\\$?([0-9.]+)$`, 'm').exec(block!)![1]);
  const c = taskCost(
    { cpu: Number(task[1]), memory: Number(task[2]), arch: task[3] as CpuArchitecture, capacity: task[4] as 'on-demand' | 'spot', region: task[5]!, ephemeralGb: Number(task[6]) },
    { pullStartedAt: times[1]!, startedAt: times[2]!, stoppedAt: times[3]! },
  );
  assert.ok(c.ok);
  if (!c.ok) return;
  assert.equal(
    { billedSeconds: c.value.billedSeconds, cpu: c.value.breakdown.cpuUsd, memory: c.value.breakdown.memoryUsd, storage: c.value.breakdown.storageUsd, usd: c.value.usd },
    { billedSeconds: figure('billedSeconds'), cpu: figure('vCPU'), memory: figure('memory'), storage: figure('storage'), usd: figure('usd') },
  );
});

cost.run();
