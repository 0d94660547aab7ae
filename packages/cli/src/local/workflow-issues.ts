/**
 * Workflow problems as the commands that run, plan or draw workflows report them: every line
 * opens in an editor from where the user is (`file:line:col`), like `hyperp validate`'s, and
 * names the field. A file with errors is reported; it stops only the commands that need it.
 */
import { join, relative } from 'node:path';
import type { ValidationIssue } from '@hyperp/core';
import type { FieldPlace } from '@hyperp/core/internal';
import { userCwd, type CliContext } from '../context.js';
import { formatIssue } from '../commands/validate.js';
import { terminalSafe } from '../views/terminal-text.js';

/** `hyperp-workflows/x.yaml:4:11`, relative to where the user ran hyperp. */
export const placeText = (ctx: CliContext, repoDir: string, p: FieldPlace): string =>
  terminalSafe(`${relative(userCwd(ctx), join(repoDir, p.file)) || '.'}${p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''}`);

/** One indented line per issue, with its field. */
export const issuesListing = (ctx: CliContext, repoDir: string, issues: readonly ValidationIssue[]): string =>
  issues.map((i) => `\n  ${formatIssue(i, { cwd: userCwd(ctx), repoDir })}${i.path !== '' ? ` (field ${terminalSafe(i.path)})` : ''}`).join('');

/** On stderr: files with errors that a command left out while it went on with the other workflows. */
export const warnBroken = (ctx: CliContext, repoDir: string, issues: readonly ValidationIssue[]): void => {
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length === 0) return;
  const files = new Set(errors.map((i) => i.file)).size;
  ctx.err(`warning: ${files} workflow file${files === 1 ? ' has' : 's have'} errors and ${files === 1 ? 'was' : 'were'} left out (hyperp validate shows them all):${issuesListing(ctx, repoDir, errors)}\n`);
};
