// `pnpm bench`: runs every `packages/*/bench/*.bench.ts` in its own process and prints what each
// measured (JSON and a table). Benchmarks print figures; they never pass or fail on a time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
const benches = readdirSync(join(root, 'packages')).flatMap((pkg) => {
  const dir = join(root, 'packages', pkg, 'bench');
  return existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => join('packages', pkg, 'bench', f))
    : [];
}).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));

let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', file], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (benches.length === 0) console.log('no benchmarks found');
process.exitCode = failed ? 1 : 0;
