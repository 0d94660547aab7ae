import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectEngine, INSTALL_HINT, probes as realProbes, SANDBOX_PROBE_ARGS, type Probe } from '../../src/engine/detect.js';
import { tempDir } from '../temp.js';
import { bwrapArgs } from '../../src/engine/sandbox.js';
import type { EngineName } from '../../src/engine/types.js';

const probes = (r: Record<EngineName, Probe>): Record<EngineName, () => Promise<Probe>> => ({
  docker: async () => r.docker, podman: async () => r.podman, process: async () => r.process,
});
const ok: Probe = { ok: true, detail: '' };
const detect = suite('detectEngine');

detect('auto prefers docker, then podman, then process, skipping what does not work', async () => {
  assert.equal(await detectEngine('auto', probes({ docker: ok, podman: ok, process: ok })), { _tag: 'Detected', engine: 'docker', skipped: [] });
  assert.equal(
    await detectEngine('auto', probes({
      docker: { ok: false, detail: 'docker: Cannot connect to the Docker daemon' },
      podman: { ok: false, detail: 'podman is not installed' },
      process: ok,
    })),
    { _tag: 'Detected', engine: 'process', skipped: ['docker: docker: Cannot connect to the Docker daemon', 'podman: podman is not installed'] },
  );
});

const noOthers = { docker: { ok: false, detail: 'docker is not installed' }, podman: { ok: false, detail: 'podman is not installed' } };

detect('an engine asked for that does not work names the one that does', async () => {
  const r = await detectEngine('docker', probes({ docker: { ok: false, detail: 'docker: Cannot connect to the Docker daemon' }, podman: noOthers.podman, process: ok }));
  assert.equal(r, {
    _tag: 'NoEngine',
    message: 'engine docker cannot run jobs on this machine (docker: docker: Cannot connect to the Docker daemon); the process engine works here: use --engine process (or --engine auto)',
  });
});

detect('with no engine it says why and how to install one, and runs nothing', async () => {
  const none = probes({
    docker: { ok: false, detail: 'docker is not installed' },
    podman: { ok: false, detail: 'podman is not installed' },
    process: { ok: false, detail: 'bwrap is not installed' },
  });
  assert.equal(await detectEngine('auto', none), {
    _tag: 'NoEngine',
    message: `no engine can run jobs on this machine (docker: docker is not installed; podman: podman is not installed; process: bwrap is not installed). ${INSTALL_HINT}`,
  });
  const r = await detectEngine('process', probes({ ...noOthers, process: { ok: false, detail: 'bwrap: setting up uid map: Permission denied' } }));
  assert.is(r._tag, 'NoEngine');
  assert.match(r._tag === 'NoEngine' ? r.message : '', /^engine process cannot run jobs on this machine \(process: bwrap: setting up uid map: Permission denied\)\. Install bubblewrap .* unprivileged user namespaces/);
});

detect('the real probe finds the process engine on this machine (bubblewrap is installed)', async () => {
  assert.equal(await detectEngine('process'), { _tag: 'Detected', engine: 'process', skipped: [] });
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
