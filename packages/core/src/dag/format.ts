/**
 * The job graph of workflows as text for people and tools: Mermaid (renders on GitHub), Graphviz
 * DOT, or plain text by level. Pure: `hyperp graph` prints what these return.
 */
import type { WorkflowSpec } from '../workflow/spec.js';
import { levels } from './graph.js';

export const graphFormats = ['mermaid', 'dot', 'text'] as const;
export type GraphFormat = (typeof graphFormats)[number];

const tasks = (n: number): string => (n > 1 ? ` ×${n}` : '');

/** Mermaid flowchart, one subgraph per workflow when there are several. */
export const toMermaid = (workflows: readonly WorkflowSpec[]): string => {
  // Mermaid quoted labels cannot hold `"`, and read `<…>` as HTML and `#…;` as an entity code:
  // each is written as an entity code (`#` first, so the codes themselves stay intact).
  const label = (s: string): string =>
    `"${s.replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')}"`;
  const lines = ['flowchart TD'];
  const several = workflows.length > 1;
  workflows.forEach((w, wi) => {
    const indent = several ? '    ' : '  ';
    const id = (name: string): string => `w${wi}j${w.jobs.findIndex((j) => j.name === name)}`;
    if (several) lines.push(`  subgraph w${wi}[${label(w.name)}]`);
    for (const j of w.jobs) lines.push(`${indent}${id(j.name)}[${label(j.name + tasks(j.concurrency))}]`);
    for (const j of w.jobs) for (const d of j.dependsOn) lines.push(`${indent}${id(d)} --> ${id(j.name)}`);
    if (several) lines.push('  end');
  });
  return `${lines.join('\n')}\n`;
};

/** Graphviz DOT: one digraph per workflow (`dot` renders each). */
export const toDot = (workflows: readonly WorkflowSpec[]): string => {
  const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return workflows
    .map((w) => {
      const lines = [`digraph ${q(w.name)} {`, '  rankdir=TB;', '  node [shape=box];'];
      for (const j of w.jobs) lines.push(`  ${q(j.name)}${j.concurrency > 1 ? ` [label=${q(j.name + tasks(j.concurrency))}]` : ''};`);
      for (const j of w.jobs) for (const d of j.dependsOn) lines.push(`  ${q(d)} -> ${q(j.name)};`);
      lines.push('}');
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
};

/** Jobs by level (jobs of one level may run at the same time), with what each waits for. */
export const toText = (workflows: readonly WorkflowSpec[]): string =>
  workflows
    .map((w) => {
      const ls = levels(w.jobs);
      const lines = [`workflow ${w.name} (${w.file}): ${w.jobs.length} job${w.jobs.length === 1 ? '' : 's'} in ${ls.length} level${ls.length === 1 ? '' : 's'}`];
      ls.forEach((level, k) => {
        lines.push(`  level ${k + 1}`);
        for (const j of level) {
          const after = j.dependsOn.length > 0 ? `  after ${j.dependsOn.map((d) => `"${d}"`).join(', ')}` : '';
          lines.push(`    "${j.name}"${j.concurrency > 1 ? ` (${j.concurrency} tasks)` : ''}${after}`);
        }
      });
      return `${lines.join('\n')}\n`;
    })
    .join('\n');

export const formatGraph = (workflows: readonly WorkflowSpec[], format: GraphFormat): string =>
  format === 'mermaid' ? toMermaid(workflows) : format === 'dot' ? toDot(workflows) : toText(workflows);
