/**
 * A task's secrets on this machine: a folder per container holding a file per secret (mode
 * 0400), in memory where the host has `/dev/shm` (never in `.hyperp/`, never on disk when it can
 * be helped), shown read-only at `/run/secrets` and removed when the task ends.
 */
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretSpec } from '@hyperp/core';

export class SecretMissing extends Error {
  override readonly name = 'SecretMissing';
}

export interface TaskSecrets {
  /** The folder of each container's secrets, by container name. */
  readonly dirs: ReadonlyMap<string, string>;
  /** Variables the YAML asked for (`env`), by name. */
  readonly env: Readonly<Record<string, string>>;
  readonly remove: () => void;
}

const root = (): string => (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());

/** Writes the secrets `specs` of one task, for each of `containers`; throws `SecretMissing` for a value it does not have. */
export const writeTaskSecrets = (containers: readonly string[], specs: readonly SecretSpec[], values: ReadonlyMap<string, string>, from: string): TaskSecrets => {
  const missing = specs.filter((s) => !values.has(s.name)).map((s) => s.name);
  if (missing.length > 0) throw new SecretMissing(`no value for secret${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (${from})`);
  const top = mkdtempSync(join(root(), 'hyperp-secrets-'));
  chmodSync(top, 0o700);
  const dirs = new Map<string, string>();
  try {
    containers.forEach((name, i) => {
      const dir = join(top, String(i));
      mkdirSync(dir, { mode: 0o500 });
      chmodSync(dir, 0o700);
      for (const s of specs) writeFileSync(join(dir, s.name), values.get(s.name)!, { mode: 0o400, flag: 'wx' });
      chmodSync(dir, 0o500);
      dirs.set(name, dir);
    });
  } catch (e) {
    rmSync(top, { recursive: true, force: true });
    throw e;
  }
  const env: Record<string, string> = {};
  for (const s of specs) if (s.env !== undefined) env[s.env] = values.get(s.name)!;
  return { dirs, env, remove: () => rmSync(top, { recursive: true, force: true }) };
};

/**
 * Hands a container's secrets folder to its user (its host uid and gid, resolved from the image's
 * own account files: engine/container-user.ts): owned by it when hyperp may chown (it runs as
 * root, or is that uid), else readable by every user of the container (a non-root hyperp whose
 * container user is another uid) — the container is the job's alone either way.
 */
export const handSecrets = (dir: string, names: readonly string[], owner: { readonly uid: number; readonly gid: number } | undefined): void => {
  const mine = owner !== undefined && (owner.uid === process.getuid?.() || process.getuid?.() === 0);
  chmodSync(dir, 0o700);
  for (const n of names) {
    const f = join(dir, n);
    if (mine) {
      chownSync(f, owner.uid, owner.gid);
      chmodSync(f, 0o400);
    } else chmodSync(f, 0o444);
  }
  if (mine) chownSync(dir, owner.uid, owner.gid);
  chmodSync(dir, mine ? 0o500 : 0o555);
};
