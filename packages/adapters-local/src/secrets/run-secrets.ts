/** A run's secrets for the interpreter: what each job reads, from the values found locally. */
import type { WorkflowSpec } from '@hyperp/core';
import { declaredSecretNames } from '@hyperp/core/internal';
import type { RunSecrets } from '../driver/interpreter.js';
import type { LocalSecrets } from './cascade.js';
import { maskPatterns } from './mask.js';

export const runSecrets = (workflow: WorkflowSpec, local: LocalSecrets | undefined): RunSecrets | undefined => {
  const names = declaredSecretNames(workflow);
  if (names.length === 0) return undefined;
  const values = local?.values ?? new Map<string, string>();
  return {
    forJob: (job) => workflow.jobs.find((j) => j.name === job)?.secrets ?? [],
    values,
    mask: maskPatterns(names.flatMap((n) => (values.has(n) ? [values.get(n)!] : []))),
    from: local !== undefined && local.sources.length > 0 ? `looked in ${local.sources.join(', ')}` : 'no --secrets, .secrets/ or .secrets.yaml',
  };
};

/** The declared secrets that have no value locally, by workflow: what `validate` and `run` report. */
export const missingSecrets = (workflow: WorkflowSpec, local: LocalSecrets): readonly string[] =>
  declaredSecretNames(workflow).filter((n) => !local.values.has(n));
