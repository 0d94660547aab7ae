import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const pkg = new URL('..', import.meta.url).pathname;
const names = ['webhook', 'planner', 'task-events', 'stepper', 'sweep', 'api', 'efs'];

const bundles = suite('esbuild bundles');

bundles('every handler bundles to dist/bundles/<name>/index.mjs, loads alone and names its missing configuration', async () => {
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: pkg, stdio: 'pipe' });
  for (const name of names) {
    const file = `${pkg}dist/bundles/${name}/index.mjs`;
    assert.ok(existsSync(file), file);
    // A fresh process without the repository's module resolution: the bundle must stand alone.
    const out = execFileSync(
      process.execPath,
      ['--no-warnings', '-e', `import(${JSON.stringify(file)}).then((m) => m.handler({ headers: {} })).then(() => console.log('no error'), (e) => console.log(e.message))`],
      { cwd: '/', env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' },
    ).trim();
    assert.match(out, /^hyperp is misconfigured: HYPERP_TABLE_NAME is not set; /, name);
  }
});

bundles.run();
