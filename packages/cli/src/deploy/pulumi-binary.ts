/**
 * Finding the Pulumi CLI before anything else happens: the Automation API only drives the
 * `pulumi` binary, so without one `hyperp deploy` stops with a message saying where to get it,
 * instead of an ENOENT from deep inside a child process.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const isExecutableFile = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The first `pulumi` executable on `PATH`, then in `~/.pulumi/bin` (where Pulumi's installer
 * puts it without always editing PATH); undefined when there is none.
 */
export const findPulumi = (env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): string | undefined => {
  const names = platform === 'win32' ? ['pulumi.exe', 'pulumi.cmd'] : ['pulumi'];
  const home = env['HOME'] ?? env['USERPROFILE'];
  const dirs = [...(env['PATH'] ?? '').split(delimiter).filter((d) => d !== ''), ...(home ? [join(home, '.pulumi', 'bin')] : [])];
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
};

export const PULUMI_MISSING =
  'the Pulumi CLI (`pulumi`) is not installed or not on PATH. hyperp deploy drives it through Pulumi\'s Automation API: ' +
  'install it (https://www.pulumi.com/docs/iac/download-install/), or run `pulumi up` in packages/infra yourself (docs/deploy.md)';
