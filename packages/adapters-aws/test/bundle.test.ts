import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const pkg = new URL('..', import.meta.url).pathname;
const names = ['webhook', 'planner', 'task-events', 'stepper', 'sweep', 'api', 'efs'];

const bundles = suite('esbuild bundles');

bundles('every handler bundles to dist/bundles/<name>/index.mjs, loads alone and names its missing configuration', async () => {
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: pkg, stdio: 'pipe' });
  for (const name of names) assert.ok(existsSync(`${pkg}dist/bundles/${name}/index.mjs`), name);
  // A fresh process without the repository's module resolution: each bundle must stand alone.
  const script = `for (const n of ${JSON.stringify(names)}) {
    const m = await import(${JSON.stringify(`${pkg}dist/bundles/`)} + n + '/index.mjs');
    try { await m.handler({ headers: {} }); console.log(n + ': no error'); } catch (e) { console.log(n + ': ' + e.message.split(';')[0]); }
  }`;
  const out = execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    cwd: '/', env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8',
  }).trim();
  assert.equal(out.split('\n'), names.map((n) => `${n}: hyperp is misconfigured: HYPERP_TABLE_NAME is not set`));
});

bundles.run();
