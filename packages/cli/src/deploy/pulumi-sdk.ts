/**
 * Pulumi's Node.js SDK (`@pulumi/pulumi`), which `hyperp deploy` drives the Pulumi CLI with, is an
 * optional peer of the CLI: the checkout's `pnpm install` installs it, an installed `hyperp` leaves
 * it (and its hundred-odd packages) out, since no other command uses it. Whether it is there is
 * found by resolving it, not importing it, so a missing SDK is said at once, before anything else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPackage } from '../package-dir.js';

const SDK = '@pulumi/pulumi';

/** Whether `@pulumi/pulumi` can be imported from here. */
export const hasPulumiSdk = (resolve: (specifier: string) => string = (s) => import.meta.resolve(s)): boolean => {
  try {
    resolve(`${SDK}/automation/index.js`);
    return true;
  } catch {
    return false;
  }
};

/** `@pulumi/pulumi@<the version the CLI's peer dependency names>`. */
export const pulumiSdkSpec = (): string => {
  try {
    const pkg = JSON.parse(readFileSync(join(cliPackage().dir, 'package.json'), 'utf8')) as { peerDependencies?: Record<string, unknown> };
    const version = pkg.peerDependencies?.[SDK];
    return typeof version === 'string' ? `${SDK}@${version}` : SDK;
  } catch {
    return SDK;
  }
};

export const pulumiSdkMissing = (): string =>
  `hyperp deploy needs Pulumi's Node.js SDK, the npm package ${SDK}, which is not installed beside this hyperp ` +
  `(an installed hyperp leaves it out: no other command uses it). Deploy from a checkout of the hyperp repository, ` +
  `where pnpm install installs it (docs/deploy.md), or install it beside hyperp: npm install ${pulumiSdkSpec()} ` +
  `(with -g for a hyperp installed with -g), and give --dir the packages/infra folder of a checkout`;
