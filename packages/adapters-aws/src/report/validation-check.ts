/**
 * A push whose workflow files or task definitions do not validate gets a check run that asks for
 * action, with one annotation per issue at its file and line (core's `validationCheck`): the
 * first 50 with the check run, the rest 50 at a time in updates, as the Checks API takes them
 * (REST "Update a check run": annotations are appended, at most 50 per request; read 2026-12).
 * A planner run twice (a redelivery) finds the check run of its first run by its external id
 * and sends nothing again.
 */
import type { ValidationCheck } from '@hyperp/core/internal';
import type { GitHub } from '../github/app-client.js';
import { createCheckRun, findCheckRun, updateCheckRun } from '../github/checks.js';

/** The check's external id: one validation check per commit. */
export const validationExternalId = (commit: string): string => `validate:${commit}`;

export const sendValidationCheck = async (gh: GitHub, repo: string, commit: string, check: ValidationCheck, at: number): Promise<void> => {
  const externalId = validationExternalId(commit);
  if ((await findCheckRun(gh, repo, commit, check.name, externalId)) !== undefined) return;
  const [first = [], ...rest] = check.batches;
  const output = { title: check.title, summary: check.summary };
  const id = await createCheckRun(gh, repo, commit, {
    name: check.name, external_id: externalId, status: 'completed', conclusion: check.conclusion, completed_at: new Date(at).toISOString(),
    output: { ...output, annotations: first },
  });
  for (const annotations of rest) await updateCheckRun(gh, repo, id, { output: { ...output, annotations } });
};
