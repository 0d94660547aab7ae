/**
 * What `hyperp doctor` found: one check per thing hyperp may need, whether the chosen mode needs
 * it, and how to fix a miss; the verdict and both renderings (text and JSON) are pure.
 */

export type Mode = 'local' | 'remote';

export interface Check {
  /** What was checked: `node`, `git`, `docker`, `engine`, `aws credentials`, `api` … */
  readonly name: string;
  readonly ok: boolean;
  /** What was found, or why it is missing. */
  readonly detail: string;
  /** Exactly how to fix a miss (absent when ok). */
  readonly fix?: string;
  /** Whether the chosen mode cannot work without it (the exit code follows these only). */
  readonly needed: boolean;
}

export const ok = (name: string, detail: string, needed = false): Check => ({ name, ok: true, detail, needed });
export const missing = (name: string, detail: string, fix: string, needed = false): Check => ({ name, ok: false, detail, fix, needed });

/** The mode is ready when every check it needs is ok. */
export const ready = (checks: readonly Check[]): boolean => checks.every((c) => c.ok || !c.needed);

const MODE_TEXT: Readonly<Record<Mode, string>> = {
  local: 'local mode (runs on this machine; HYPERP_API_URL is not set)',
  remote: 'remote mode (the deployment at HYPERP_API_URL or --api)',
};

export const formatChecks = (mode: Mode, checks: readonly Check[]): string => {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = [`hyperp doctor: ${MODE_TEXT[mode]}`];
  for (const c of checks) {
    lines.push(`${c.ok ? 'ok     ' : 'missing'}  ${c.name.padEnd(width)}  ${c.detail}${!c.ok && !c.needed ? ' (not needed here)' : ''}`);
    if (!c.ok && c.fix) lines.push(`${' '.repeat(9 + width)}  fix: ${c.fix}`);
  }
  const blocking = checks.filter((c) => !c.ok && c.needed).map((c) => c.name);
  lines.push(blocking.length === 0 ? `ready: ${mode} mode has what it needs` : `not ready: ${mode} mode needs ${blocking.join(', ')} (see the fixes above)`);
  return `${lines.join('\n')}\n`;
};

export const checksJson = (mode: Mode, checks: readonly Check[]) => ({
  ok: ready(checks),
  mode,
  checks: checks.map((c) => ({ name: c.name, status: c.ok ? 'ok' : 'missing', needed: c.needed, detail: c.detail, fix: c.fix ?? null })),
});
