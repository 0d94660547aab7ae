import { Graph, layout } from '@dagrejs/dagre';
import { useMemo } from 'preact/hooks';
import { STATUS_MARK, statusClass } from '../format.js';

export interface DagNode {
  readonly name: string;
  readonly dependsOn: readonly string[];
  /** Absent for a workflow's graph from its files (nothing ran). */
  readonly status?: string;
  /** Lines under the name: fan-out counts, cost, why it was skipped. */
  readonly lines: readonly string[];
  readonly critical?: boolean;
}

const WIDTH = 230;
const LINE = 16;

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The jobs laid out left to right by dagre; each node is a button (Enter or a click selects it). */
export const Dag = ({ nodes, selected, onSelect, label }: { nodes: readonly DagNode[]; selected?: string | null; onSelect?: (name: string) => void; label: string }) => {
  const laid = useMemo(() => {
    const g = new Graph();
    g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 56, marginx: 8, marginy: 8 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of nodes) g.setNode(n.name, { width: WIDTH, height: 30 + LINE * (n.lines.length + (n.status ? 1 : 0)) });
    for (const n of nodes) for (const d of n.dependsOn) if (g.hasNode(d)) g.setEdge(d, n.name);
    layout(g);
    const size = g.graph() as { width?: number; height?: number };
    return {
      width: size.width ?? 0, height: size.height ?? 0,
      at: new Map(nodes.map((n) => [n.name, g.node(n.name) as { x: number; y: number; width: number; height: number }])),
      edges: g.edges().map((e) => ({ from: e.v, to: e.w, points: (g.edge(e) as { points: { x: number; y: number }[] }).points })),
    };
  }, [nodes]);
  return (
    <svg class="dag" role="group" aria-label={label} width={laid.width} height={laid.height} viewBox={`0 0 ${laid.width} ${laid.height}`}>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" /></marker>
      </defs>
      {laid.edges.map((e) => (
        <path key={`${e.from}->${e.to}`} class="edge" marker-end="url(#arrow)" d={e.points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ')} />
      ))}
      {nodes.map((n) => {
        const p = laid.at.get(n.name)!;
        const x = p.x - p.width / 2;
        const y = p.y - p.height / 2;
        const select = () => onSelect?.(n.name);
        return (
          <g
            key={n.name}
            class={`dag-node ${n.status ? statusClass(n.status) : 'st-plain'}${selected === n.name ? ' selected' : ''}${n.critical ? ' critical' : ''}`}
            data-job={n.name}
            data-status={n.status}
            transform={`translate(${x} ${y})`}
            // SVG attributes are case-sensitive: `tabIndex` would not make the node focusable.
            {...(onSelect ? { tabindex: 0 } : {})}
            role={onSelect ? 'button' : 'img'}
            aria-pressed={onSelect ? selected === n.name : undefined}
            aria-label={`job ${n.name}${n.status ? `: ${n.status}` : ''}${n.critical ? ', on the critical path' : ''}; ${n.lines.join('; ')}`}
            onClick={select}
            onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(); } }}
          >
            <title>{[n.name, n.status, ...n.lines].filter(Boolean).join('\n')}</title>
            <rect width={p.width} height={p.height} rx="6" />
            <text x="10" y="20" class="name">{clip(n.name, 28)}</text>
            {n.status && <text x="10" y={20 + LINE} class="status">{STATUS_MARK[n.status] ?? '•'} {n.status}{n.critical ? '  · critical path' : ''}</text>}
            {n.lines.map((l, i) => <text x="10" y={20 + LINE * (i + (n.status ? 2 : 1))} class="line">{clip(l, 34)}</text>)}
          </g>
        );
      })}
    </svg>
  );
};
