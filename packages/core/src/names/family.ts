/**
 * Task-definition families and volume names. A family groups the revisions hyperp registers
 * for one job of one workflow, run after run; it is readable in the console
 * (`hyperp-calculator-add-1-2-3f2a…`) and unique because a hash of the exact names ends it.
 */
import { taggedHash } from './hash.js';

/** Letters, digits, `_` and `-` only, runs of anything else collapsed to `-`, at most `max` long. */
export const slug = (text: string, max: number): string =>
  text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '');

/** At most 7 + 80 + 1 + 80 + 1 + 16 = 185 characters: within the family limit of 255. */
export const taskDefinitionFamily = (workflowName: string, jobName: string): string => {
  const readable = [slug(workflowName, 80), slug(jobName, 80)].filter((s) => s !== '').join('-');
  const unique = taggedHash('family', JSON.stringify([workflowName, jobName]), 16);
  return readable === '' ? `hyperp-${unique}` : `hyperp-${readable}-${unique}`;
};
