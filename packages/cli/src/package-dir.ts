/**
 * The CLI package's own folder and version. Found by walking up from this module to the
 * package.json that names @hyperp/cli: the code runs from src/ (tests), from tsc's dist/ and
 * from the bundled bin in dist/bundle/, each at another depth.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CliPackage {
  readonly dir: string;
  readonly version: string;
}

let found: CliPackage | undefined;

export const cliPackage = (): CliPackage => {
  if (found) return found;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    let pkg: { name?: unknown; version?: unknown } | undefined;
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof pkg;
    } catch {
      pkg = undefined; // no (readable) package.json here: look further up
    }
    if (pkg?.name === '@hyperp/cli' && typeof pkg.version === 'string') return (found = { dir, version: pkg.version });
    if (dirname(dir) === dir) throw new Error(`the package.json of @hyperp/cli is not in any folder above ${fileURLToPath(import.meta.url)}`);
  }
};
