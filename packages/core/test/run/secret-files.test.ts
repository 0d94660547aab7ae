// A deployment's secrets, as the reducer hands them to its adapter: the folder of each job that
// declares secrets and the files to write in it, by name only, and a read-only /run/secrets in
// that job's task definition. Local mode (no `secretsOnEfs`) gets neither: its engine binds its own.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunEvent, RunRequested } from '../../src/run/events.js';
import type { Command } from '../../src/run/commands.js';
import { imageUri } from '../../src/names/images.js';
import { syntheticImageKey } from '../../src/sim/workflow.js';
import { fold, request, T0 } from './support.js';

const plain = request();
const withSecrets = (secretsOnEfs: boolean, base = plain): RunRequested => ({
  ...base,
  settings: { ...base.settings, render: { ...base.settings.render, secretsOnEfs } },
  workflow: { ...base.workflow, jobs: base.workflow.jobs.map((j) => (j.name === 'a' ? { ...j, secrets: [{ name: 'db_password' }, { name: 'api-key' }] } : j)) },
});
const after = (r: RunRequested): RunEvent[] => [
  r,
  { _tag: 'DirectoriesEnsured', at: T0 + 1 },
  { _tag: 'ImageBuildSucceeded', at: T0 + 10, key: syntheticImageKey('a'), imageUri: imageUri(r.settings.render.imageRepository, syntheticImageKey('a')), usage: null },
];
const commandsOf = (evs: readonly RunEvent[]): Command[] => evs.flatMap((_, k) => [...fold(evs.slice(0, k + 1))[1]]);
const ensureOf = (all: Command[]) => {
  const c = all.find((x) => x._tag === 'EnsureDirectories');
  assert.ok(c && c._tag === 'EnsureDirectories');
  return c;
};
const registerOf = (all: Command[], job: string) => {
  const c = all.find((x) => x._tag === 'RegisterTaskDefinition' && x.job === job);
  assert.ok(c && c._tag === 'RegisterTaskDefinition');
  return c;
};

const t = suite('secret files on a deployment');

t('the folders asked for include the declaring job\'s secrets folder, and the files in it by name, never a value', () => {
  const ensure = ensureOf(commandsOf(after(withSecrets(true))));
  const folder = ensure.paths[ensure.paths.length - 1]!;
  assert.match(folder, /\/secrets\/[0-9a-f]{16}$/);
  assert.equal(ensure.secrets, [{ path: `${folder}/db_password`, name: 'db_password' }, { path: `${folder}/api-key`, name: 'api-key' }]);
  assert.is(ensure.paths.filter((p) => p.includes('/secrets/')).length, 1);
});

t('the declaring job mounts its folder read-only at /run/secrets; a job without secrets does not', () => {
  const all = commandsOf(after(withSecrets(true)));
  const a = registerOf(all, 'a').taskDefinition;
  assert.equal(a.containerDefinitions[0]!.mountPoints?.find((m) => m.containerPath === '/run/secrets'), { sourceVolume: 'hyperp-secrets', containerPath: '/run/secrets', readOnly: true });
  const folder = ensureOf(all).paths.find((p) => p.includes('/secrets/'))!;
  assert.ok((a.volumes?.find((v) => v.name === 'hyperp-secrets')?.efsVolumeConfiguration?.rootDirectory as string | undefined)?.endsWith(folder) === true);
  const others = all.filter((c) => c._tag === 'RegisterTaskDefinition' && c.job !== 'a');
  assert.ok(others.every((c) => c._tag === 'RegisterTaskDefinition' && !c.taskDefinition.volumes?.some((v) => v.name === 'hyperp-secrets')));
});

t('as the run ends, even before any task ran, the secrets folders are named for removal', () => {
  const one = request({ name: 'one', jobs: [{ name: 'a' }] });
  const r = withSecrets(true, one);
  const failed: RunEvent[] = [{ _tag: 'ImageBuildFailed', at: T0 + 5, key: syntheticImageKey('a'), reason: 'no space left', usage: null }];
  const [s, last] = fold([r, { _tag: 'DirectoriesEnsured', at: T0 + 1 }, ...failed]);
  assert.is(s.status, 'FAILED');
  const folder = ensureOf(commandsOf(after(r))).paths.find((p) => p.includes('/secrets/'))!;
  assert.equal(last.filter((c) => c._tag === 'DeregisterTaskDefinitions'), [{ _tag: 'DeregisterTaskDefinitions', runId: r.runId, taskDefinitionArns: [], secretFolders: [folder] }]);
  // Locally nothing is asked for.
  const [, local] = fold([withSecrets(false, one), { _tag: 'DirectoriesEnsured', at: T0 + 1 }, ...failed]);
  assert.equal(local.filter((c) => c._tag === 'DeregisterTaskDefinitions'), []);
});

t('a rerun writes and later removes secret files only for the jobs it runs, not for the ones it reuses', () => {
  const both = withSecrets(true);
  const r: RunRequested = {
    ...both,
    workflow: { ...both.workflow, jobs: both.workflow.jobs.map((j) => (j.name === 'b' ? { ...j, secrets: [{ name: 'token' }] } : j)) },
    reuse: [{ job: 'a', runId: 'run-0' }, { job: 'c', runId: 'run-0' }],
  };
  const all = commandsOf(after(r));
  const ensure = ensureOf(all);
  assert.equal(ensure.secrets?.map((f) => f.name), ['token']);
  const folders = ensure.paths.filter((p) => p.includes('/secrets/'));
  assert.is(folders.length, 1);
  assert.ok(ensure.secrets?.every((f) => f.path.startsWith(`${folders[0]}/`)));
  const [, last] = fold([r, { _tag: 'DirectoriesEnsured', at: T0 + 1 }, { _tag: 'ImageBuildFailed', at: T0 + 5, key: syntheticImageKey('b'), reason: 'no space left', usage: null }]);
  assert.equal(last.find((c) => c._tag === 'DeregisterTaskDefinitions'), { _tag: 'DeregisterTaskDefinitions', runId: r.runId, taskDefinitionArns: [], secretFolders: folders });
});

t('local mode (no secretsOnEfs) gets no secrets folder, file or mount', () => {
  const all = commandsOf(after(withSecrets(false)));
  const ensure = ensureOf(all);
  assert.ok(ensure.secrets === undefined && !ensure.paths.some((p) => p.includes('/secrets/')));
  assert.not.ok(registerOf(all, 'a').taskDefinition.volumes?.some((v) => v.name === 'hyperp-secrets'));
});

t.run();
