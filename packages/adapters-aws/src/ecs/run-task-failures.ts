/**
 * RunTask's `failures[]` reasons sorted into retryable and permanent, as data
 * (`contract/run-task-failures.json`, each entry with its source) so that every caller — the
 * launch today, the interpreter's general error classes — reads one table.
 */
import table from '../contract/run-task-failures.json' with { type: 'json' };

export type RunTaskFailureClass = 'retryable' | 'permanent' | 'unknown';

export interface RunTaskFailureEntry {
  readonly class: Exclude<RunTaskFailureClass, 'unknown'>;
  readonly how: 'prefix' | 'contains';
  readonly match: string;
  readonly why: string;
  readonly source: string;
}

export const runTaskFailureClasses = (): readonly RunTaskFailureEntry[] => table.entries as RunTaskFailureEntry[];

const matches = (e: RunTaskFailureEntry, reason: string, detail: string): boolean =>
  e.how === 'prefix' ? reason.startsWith(e.match) : reason.includes(e.match) || detail.includes(e.match);

/** The class of one failure; `entry` says which documented reason it is. */
export const classifyRunTaskFailure = (f: { readonly reason?: string; readonly detail?: string }): {
  readonly class: RunTaskFailureClass;
  readonly entry?: RunTaskFailureEntry;
} => {
  const entry = runTaskFailureClasses().find((e) => matches(e, f.reason ?? '', f.detail ?? ''));
  return entry ? { class: entry.class, entry } : { class: 'unknown' };
};
