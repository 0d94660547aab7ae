/**
 * `hyperp secrets set|list|rm`: a repository's secrets on the deployment (Secrets Manager, through
 * the API). A value comes from standard input or a file, never from an argument: arguments show
 * in process listings and shell history. No value is ever printed.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { secretNameProblem } from '@hyperp/core/internal';
import { CliError, ExitCode, UsageError, userCwd, type CliContext } from '../context.js';
import { terminalSafe } from '../views/terminal-text.js';
import type { ApiClient } from './client.js';
import { remoteRepo } from './repo.js';

/** Secrets Manager's largest value (the API refuses a larger one too). */
const MAX_BYTES = 65_536;

const checkedName = (name: string): string => {
  const why = secretNameProblem(name);
  if (why !== undefined) throw new UsageError(`secret name ${JSON.stringify(name)}: ${why}`);
  return name;
};

/** The value's bytes as UTF-8 text (Secrets Manager keeps text), from `--file` or standard input. */
const valueOf = async (ctx: CliContext, file: string | undefined): Promise<string> => {
  let bytes: Uint8Array;
  let from: string;
  if (file !== undefined) {
    const path = resolve(userCwd(ctx), file);
    from = `--file ${file}`;
    try {
      if (!statSync(path).isFile()) throw new CliError(`${from}: not a file`);
      if (statSync(path).size > MAX_BYTES) throw new CliError(`${from}: ${statSync(path).size} bytes; a secret holds at most ${MAX_BYTES}`);
      bytes = readFileSync(path);
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`${from}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  } else {
    from = 'standard input';
    const read = await ctx.stdin?.();
    if (read === null) {
      throw new UsageError('give the value on standard input (printf %s "$VALUE" | hyperp secrets set …) or with --file PATH; it is not read from a terminal, where it would show');
    }
    bytes = read ?? new Uint8Array();
  }
  if (bytes.length === 0) throw new CliError(`the value from ${from} is empty`);
  if (bytes.length > MAX_BYTES) throw new CliError(`the value from ${from} is ${bytes.length} bytes; a secret holds at most ${MAX_BYTES}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`the value from ${from} is not UTF-8 text; encode binary values (base64) first`);
  }
};

export const remoteSecretSet = async (ctx: CliContext, api: ApiClient, name: string, o: { repo?: string; file?: string }): Promise<number> => {
  const repo = remoteRepo(ctx, o.repo);
  const value = await valueOf(ctx, o.file);
  const r = await api.setSecret(repo, checkedName(name), value);
  ctx.out(`${r.result} secret ${r.name} of ${terminalSafe(r.repo)}\n`);
  return ExitCode.ok;
};

export const remoteSecretList = async (ctx: CliContext, api: ApiClient, o: { repo?: string; json?: boolean }): Promise<number> => {
  const repo = remoteRepo(ctx, o.repo);
  const r = await api.listSecrets(repo);
  if (o.json) {
    ctx.out(JSON.stringify(r, null, 2) + '\n');
    return ExitCode.ok;
  }
  if (r.secrets.length === 0) {
    ctx.out(`${terminalSafe(repo)} has no secrets on this deployment\n`);
    return ExitCode.ok;
  }
  const width = Math.max(...r.secrets.map((s) => s.name.length));
  for (const s of r.secrets) ctx.out(`${terminalSafe(s.name).padEnd(width)}  updated ${s.updatedAt ?? '?'}  created ${s.createdAt ?? '?'}\n`);
  return ExitCode.ok;
};

export const remoteSecretRemove = async (ctx: CliContext, api: ApiClient, name: string, o: { repo?: string }): Promise<number> => {
  const repo = remoteRepo(ctx, o.repo);
  const r = await api.removeSecret(repo, checkedName(name));
  ctx.out(`deleted secret ${r.name} of ${terminalSafe(r.repo)}\n`);
  return ExitCode.ok;
};
