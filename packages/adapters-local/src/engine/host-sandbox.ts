/**
 * The util-linux sandbox's probe: the smallest real sandbox (every namespace, both phases,
 * every capability dropped) running `true`, so a kernel or a security module that refuses user
 * namespaces is found before any task runs.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxMounts } from './sandbox.js';
import { jobArgs, unshareCommand, unshareOps } from './unshare-sandbox.js';

/** A program from the PATH, if installed. */
export const findProgram = (name: string): string | undefined =>
  (process.env['PATH'] ?? '/usr/bin:/bin').split(':').map((d) => join(d || '.', name)).find((p) => existsSync(p));

/** The probe's command line, and the folder to remove after it ran. */
export const unshareProbe = (): { command: string[]; cleanup: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), 'hyperp-probe-'));
  const spec = { imageRoot: dir, workdir: '/', argv: ['true'], env: {}, binds: [], network: false, tmpMiB: 1, marker: 'hyperp-probe' };
  return {
    command: unshareCommand({
      unshare: findProgram('unshare') ?? 'unshare', network: false, marker: spec.marker, stage: dir,
      ops: unshareOps(sandboxMounts(spec)), job: jobArgs('/', undefined, {}, ['true']),
    }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
};
