/**
 * Choosing workflows by name, the same way in every command (`run --workflow`, `runs list
 * --workflow`, `graph --workflow`, the API's manual runs): a name matches exactly as written —
 * names are unique exactly, and runs, costs and schedules are keyed by them — and a name that
 * matches nothing is answered with the names that exist, and the close one when there is one
 * ("Calculator" for "calculator").
 */
import type { RepoSnapshot } from '../repo/snapshot.js';
import { didYouMean } from './rule.js';
import { parseYaml } from './source.js';
import type { WorkflowSpec } from './spec.js';

/** A field of a file, where a person can open it. */
export interface FieldPlace {
  /** Repo path of the file. */
  readonly file: string;
  /** The field, e.g. `triggers.manual`. */
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
}

/** `no workflow named "calculator"; did you mean "Calculator"? (workflows: "Calculator", "deploy")`. */
export const unknownWorkflowName = (name: string, known: readonly string[], listed = 'workflows'): string => {
  const names = [...new Set(known)];
  return `no workflow named ${JSON.stringify(name)}${didYouMean(name, names)} (${listed}: ${names.map((n) => JSON.stringify(n)).join(', ') || 'none'})`;
};

/**
 * Where a workflow says it may not be started by hand (`triggers.manual: false`), or undefined
 * when it may. The place is found in the file's text, which the snapshot still holds.
 */
export const manualRunRefused = (snapshot: Pick<RepoSnapshot, 'read'>, w: Pick<WorkflowSpec, 'file' | 'triggers'>): FieldPlace | undefined => {
  if (w.triggers.manual) return undefined;
  const text = snapshot.read(w.file);
  const parsed = text === undefined ? undefined : parseYaml(text);
  const at = parsed?.ok ? parsed.source.position(['triggers', 'manual']) : undefined;
  return { file: w.file, path: 'triggers.manual', ...(at ?? {}) };
};
