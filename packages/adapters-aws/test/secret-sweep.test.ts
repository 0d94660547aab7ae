// Secret files a run's end did not remove (the efs function failing past the command's retries,
// or a crash) are found and removed by the sweep: the efs function records each run with secret
// files before writing a value, forgets it once its folders are gone, and lists the records; the
// sweep removes the folders of every recorded run that is no longer active and old enough. Real
// files on a temporary root stand in for EFS.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { realFolderOf } from '../src/efs/folders.js';
import { SECRET_RUNS_DIR } from '../src/efs/secret-runs.js';
import { SECRET_RUN_GRACE_MS, sweepSecretFiles } from '../src/efs/secret-sweep.js';
import { efsHandler, type EfsRequest, type EfsResponse } from '../src/handlers/efs.js';

const VALUE = 'pa55-w0rd';
const folderOf = (runId: string) => `c/${runId}/w/secrets/0123456789abcdef`;
const mkdirs = (runId: string): EfsRequest => ({
  op: 'mkdirs', runId, paths: [`c/${runId}/w/j`, folderOf(runId)], secrets: [{ path: `${folderOf(runId)}/db_password`, text: VALUE }],
});

const withRoot = async (f: (root: string, efs: (r: EfsRequest) => Promise<EfsResponse>, calls: EfsRequest[]) => Promise<void>) => {
  const root = mkdtempSync(join(tmpdir(), 'hyperp-secret-sweep-'));
  const calls: EfsRequest[] = [];
  const handler = efsHandler({ root, s3: {} as never, events: {} as never, now: Date.now });
  try {
    await f(root, (r) => (calls.push(r), handler(r)), calls);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
};
const secretFileOf = (root: string, runId: string) => join(root, realFolderOf(folderOf(runId)), 'db_password');
const later = () => Date.now() + SECRET_RUN_GRACE_MS + 60_000;
const logged: string[] = [];
const log = (m: string, d?: Record<string, unknown>) => void logged.push(`${m} ${JSON.stringify(d ?? {})}`);

const t = suite('the sweep of secret files');

t('a run with secret files is recorded as they are written and forgotten once its end removes them', () =>
  withRoot(async (root, efs) => {
    await efs(mkdirs('20261203-120000-aaaaaaaaaa'));
    const listed = await efs({ op: 'secretRuns' });
    assert.equal(listed.op === 'secretRuns' && listed.runs.map((r) => [r.runId, r.paths]), [['20261203-120000-aaaaaaaaaa', [folderOf('20261203-120000-aaaaaaaaaa')]]]);
    await efs({ op: 'rmdirs', runId: '20261203-120000-aaaaaaaaaa', paths: [folderOf('20261203-120000-aaaaaaaaaa')] });
    assert.equal(await efs({ op: 'secretRuns' }), { op: 'secretRuns', runs: [] });
    // A run without secrets is never recorded.
    await efs({ op: 'mkdirs', runId: '20261203-120000-bbbbbbbbbb', paths: ['c/x/w/j'] });
    assert.equal(await efs({ op: 'secretRuns' }), { op: 'secretRuns', runs: [] });
  }));

t('the sweep removes the files of ended runs whose end did not, keeps those of active and of just-started runs, and says which', () =>
  withRoot(async (root, efs, calls) => {
    const [ended, active, young] = ['20261203-100000-1111111111', '20261203-100000-2222222222', '20261203-100000-3333333333'];
    for (const id of [ended, active, young]) await efs(mkdirs(id));
    const old = (Date.now() - SECRET_RUN_GRACE_MS - 60_000) / 1000;
    for (const id of [ended, active]) utimesSync(join(root, SECRET_RUNS_DIR, id), old, old);
    let askedActive = 0;
    const cleaned = await sweepSecretFiles({ efs, activeRunIds: async () => (askedActive++, new Set([active])), now: Date.now, log });
    assert.is(cleaned, 1);
    assert.is(askedActive, 1);
    assert.equal([existsSync(secretFileOf(root, ended)), existsSync(secretFileOf(root, active)), existsSync(secretFileOf(root, young))], [false, true, true]);
    assert.equal(calls.filter((c) => c.op === 'rmdirs'), [{ op: 'rmdirs', runId: ended, paths: [folderOf(ended)] }]);
    // Nothing is left to do for it, and the young run becomes sweepable once old and ended.
    const again = await sweepSecretFiles({ efs, activeRunIds: async () => new Set([active]), now: later, log });
    assert.is(again, 1);
    assert.equal([existsSync(secretFileOf(root, young)), existsSync(secretFileOf(root, active))], [false, true]);
    assert.not.ok(logged.some((l) => l.includes(VALUE)));
  }));

t('nothing recorded: the active runs are not even listed', () =>
  withRoot(async (_root, efs) => {
    const cleaned = await sweepSecretFiles({ efs, activeRunIds: async () => assert.unreachable('listed active runs') as never, now: later, log });
    assert.is(cleaned, 0);
  }));

t('one run the efs function fails to clean leaves the others cleaned; it is tried again next time', () =>
  withRoot(async (root, efs) => {
    const [a, b] = ['20261203-100000-4444444444', '20261203-100000-5555555555'];
    for (const id of [a, b]) await efs(mkdirs(id));
    let failA = true;
    const flaky = async (r: EfsRequest) => {
      if (r.op === 'rmdirs' && r.runId === a && failA) throw new Error('the efs function failed: Error: EIO');
      return efs(r);
    };
    assert.is(await sweepSecretFiles({ efs: flaky, activeRunIds: async () => new Set(), now: later, log }), 1);
    assert.equal([existsSync(secretFileOf(root, a)), existsSync(secretFileOf(root, b))], [true, false]);
    failA = false;
    assert.is(await sweepSecretFiles({ efs: flaky, activeRunIds: async () => new Set(), now: later, log }), 1);
    assert.not.ok(existsSync(secretFileOf(root, a)));
  }));

t('hostile entries in the records folder are skipped, never followed; a run id that is a path is refused', () =>
  withRoot(async (root, efs) => {
    mkdirSync(join(root, SECRET_RUNS_DIR), { recursive: true });
    writeFileSync(join(root, 'elsewhere.json'), JSON.stringify({ paths: ['c/victim/w/j'] }));
    symlinkSync(join(root, 'elsewhere.json'), join(root, SECRET_RUNS_DIR, '20261203-100000-6666666666'));
    writeFileSync(join(root, SECRET_RUNS_DIR, '20261203-100000-7777777777'), 'not json');
    writeFileSync(join(root, SECRET_RUNS_DIR, '..hidden'), JSON.stringify({ paths: ['x'] }));
    writeFileSync(join(root, SECRET_RUNS_DIR, '20261203-100000-8888888888'), JSON.stringify({ paths: 'x' }));
    assert.equal(await efs({ op: 'secretRuns' }), { op: 'secretRuns', runs: [] });
    await efs({ ...mkdirs('20261203-100000-9999999999'), runId: '../../etc' } as EfsRequest).then(
      () => assert.unreachable('a path as run id was taken'),
      (e: Error) => assert.match(e.message, /is not a run id/),
    );
    assert.not.ok(existsSync(join(root, 'etc')));
  }));

t.run();
