import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectEngine, INSTALL_HINT, probes as realProbes, SANDBOX_PROBE_ARGS, USERNS_HINT, type Candidate, type Probe } from '../../src/engine/detect.js';
import { tempDir } from '../temp.js';
import { pathWithout } from '../path-without.js';
import { bwrapArgs } from '../../src/engine/sandbox.js';

const probes = (r: Record<Candidate, Probe>): Record<Candidate, () => Promise<Probe>> => ({
  docker: async () => r.docker, podman: async () => r.podman, bwrap: async () => r.bwrap, unshare: async () => r.unshare,
});
const ok: Probe = { ok: true, detail: '' };
const detect = suite('detectEngine');

const noOthers = { docker: { ok: false, detail: 'docker is not installed' }, podman: { ok: false, detail: 'podman is not installed' } };
const noBwrap = { ok: false, detail: 'bwrap is not installed' };

detect('auto prefers docker, then podman, then process (bubblewrap, then util-linux), skipping what does not work', async () => {
  assert.equal(await detectEngine('auto', probes({ docker: ok, podman: ok, bwrap: ok, unshare: ok })), { _tag: 'Detected', engine: 'docker', skipped: [] });
  assert.equal(
    await detectEngine('auto', probes({ docker: { ok: false, detail: 'docker: Cannot connect to the Docker daemon' }, podman: noOthers.podman, bwrap: ok, unshare: ok })),
    { _tag: 'Detected', engine: 'process', sandbox: 'bwrap', skipped: ['docker: docker: Cannot connect to the Docker daemon', 'podman: podman is not installed'] },
  );
  assert.equal(
    await detectEngine('auto', probes({ ...noOthers, bwrap: noBwrap, unshare: ok })),
    { _tag: 'Detected', engine: 'process', sandbox: 'unshare', skipped: ['docker: docker is not installed', 'podman: podman is not installed', 'process (bubblewrap): bwrap is not installed'] },
  );
});

detect('--engine process takes bubblewrap, else the util-linux sandbox; bwrap and unshare ask for one', async () => {
  assert.equal(await detectEngine('process', probes({ ...noOthers, bwrap: ok, unshare: ok })), { _tag: 'Detected', engine: 'process', sandbox: 'bwrap', skipped: [] });
  assert.equal(await detectEngine('process', probes({ ...noOthers, bwrap: noBwrap, unshare: ok })), { _tag: 'Detected', engine: 'process', sandbox: 'unshare', skipped: ['process (bubblewrap): bwrap is not installed'] });
  assert.equal(await detectEngine('unshare', probes({ ...noOthers, bwrap: ok, unshare: ok })), { _tag: 'Detected', engine: 'process', sandbox: 'unshare', skipped: [] });
  assert.equal(await detectEngine('bwrap', probes({ ...noOthers, bwrap: noBwrap, unshare: ok })), {
    _tag: 'NoEngine',
    message: "engine bwrap cannot run jobs on this machine (process (bubblewrap): bwrap is not installed); the process engine's util-linux sandbox works here: use --engine unshare (or --engine process)",
  });
});

detect('an engine asked for that does not work names the one that does', async () => {
  const r = await detectEngine('docker', probes({ docker: { ok: false, detail: 'docker: Cannot connect to the Docker daemon' }, podman: noOthers.podman, bwrap: noBwrap, unshare: ok }));
  assert.equal(r, {
    _tag: 'NoEngine',
    message: 'engine docker cannot run jobs on this machine (docker: docker: Cannot connect to the Docker daemon); the process engine works here: use --engine process (or --engine auto)',
  });
});

detect('with no engine it says why and how to install one, and runs nothing', async () => {
  const refused = { ok: false, detail: 'unshare: unshare failed: Operation not permitted' };
  assert.equal(await detectEngine('auto', probes({ ...noOthers, bwrap: noBwrap, unshare: { ok: false, detail: 'unshare is not installed' } })), {
    _tag: 'NoEngine',
    message: `no engine can run jobs on this machine (docker: docker is not installed; podman: podman is not installed; process (bubblewrap): bwrap is not installed; process (util-linux): unshare is not installed). ${INSTALL_HINT}`,
  });
  assert.match(INSTALL_HINT, /apt-get install bubblewrap.*util-linux's unshare, setpriv and mount.*never runs jobs unsandboxed/);
  const r = await detectEngine('process', probes({ ...noOthers, bwrap: noBwrap, unshare: refused }));
  assert.equal(r, {
    _tag: 'NoEngine',
    message: `engine process cannot run jobs on this machine (process (bubblewrap): bwrap is not installed; process (util-linux): unshare: unshare failed: Operation not permitted). ${INSTALL_HINT}${USERNS_HINT}`,
  });
  assert.match(USERNS_HINT, /Ubuntu 24\.04 .*AppArmor.*kernel\.apparmor_restrict_unprivileged_userns=0/);
});

detect('the real probes find both sandboxes of the process engine on this machine', async () => {
  assert.equal(await detectEngine('process'), { _tag: 'Detected', engine: 'process', sandbox: 'bwrap', skipped: [] });
  assert.equal(await detectEngine('unshare'), { _tag: 'Detected', engine: 'process', sandbox: 'unshare', skipped: [] });
});

detect('without bubblewrap on the PATH the process engine is the util-linux sandbox, found by really running one', async () => {
  const path = process.env.PATH;
  process.env.PATH = pathWithout('bwrap');
  try {
    assert.equal(await detectEngine('process'), { _tag: 'Detected', engine: 'process', sandbox: 'unshare', skipped: ['process (bubblewrap): bwrap is not installed'] });
  } finally {
    process.env.PATH = path;
  }
});

detect('the process probe tries every option a task sandbox relies on (an older bwrap is refused here, not task by task)', () => {
  const task = bwrapArgs({ imageRoot: '/r', workdir: '/', argv: ['true'], env: {}, binds: [], network: false, tmpMiB: 1, marker: 'M' });
  for (const option of ['--unshare-user', '--disable-userns', '--cap-drop', '--new-session', '--die-with-parent', '--size', '--perms']) {
    assert.ok(task.includes(option), option);
    assert.ok((SANDBOX_PROBE_ARGS as readonly string[]).includes(option), option);
  }
});

detect('a podman busy for seconds (its storage lock held by another run\'s containers) still works', async () => {
  const bin = tempDir('hyperp-fake-podman-');
  writeFileSync(join(bin, 'podman'), '#!/bin/sh\nsleep 6\necho 4.3.1\n');
  chmodSync(join(bin, 'podman'), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  try {
    assert.equal(await realProbes.podman(), { ok: true, detail: '' });
  } finally {
    process.env.PATH = path;
  }
});

detect.run();
