/**
 * Task-definition families and volume names. A family groups the revisions hyperp registers
 * for one job of one workflow, run after run; it is readable in the console
 * (`hyperp-calculator-add-1-2-3f2a…`) and unique because a hash of the exact names ends it.
 */
import { taggedHash } from './hash.js';

/** Letters, digits, `_` and `-` only, runs of anything else collapsed to `-`, at most `max` long. */
export const slug = (text: string, max: number): string =>
  text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '');

/**
 * A deployment's families are `{prefix}_…`: deployment name prefixes are lowercase letters, digits
 * and dashes, so the `_` ends the prefix and IAM's `task-definition/{prefix}_*` never matches a
 * family of a deployment whose prefix merely starts with this one (`hyperp-prod` and
 * `hyperp-prod-eu`). Without a prefix (local mode, tests) families start `hyperp-`.
 */
const familyHead = (prefix: string | undefined): string => (prefix === undefined ? 'hyperp-' : `${prefix}_`);

/** At most 41 + 80 + 1 + 80 + 1 + 16 = 219 characters (a prefix is at most 40): within the family limit of 255. */
export const taskDefinitionFamily = (workflowName: string, jobName: string, prefix?: string): string => {
  const readable = [slug(workflowName, 80), slug(jobName, 80)].filter((s) => s !== '').join('-');
  const unique = taggedHash('family', JSON.stringify([workflowName, jobName]), 16);
  return readable === '' ? `${familyHead(prefix)}${unique}` : `${familyHead(prefix)}${readable}-${unique}`;
};

/** The image builder's family in a deployment: `{prefix}_builder`, next to its jobs' families. */
export const builderFamily = (prefix: string): string => `${familyHead(prefix)}builder`;
