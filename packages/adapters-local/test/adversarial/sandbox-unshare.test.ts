// The adversarial sandbox cases and the kill -9 trials against the process engine's util-linux
// sandbox, the one a host without bubblewrap gets (see process-runner.ts), with the same
// expectations as bubblewrap's, and bubblewrap hidden from the PATH (so nothing here can pass
// by running it); plus the cases the container engines add (no_new_privs, a namespace of its
// own of each kind) and an empty inheritable set.
import * as assert from 'uvu/assert';
import { pathWithout } from '../path-without.js';
import { runProcessSandboxSuites } from './process-runner.js';
import { containerCases } from './container-runner.js';
import type { SandboxCase } from './sandbox-cases.js';

process.env.PATH = pathWithout('bwrap');
const inheritable: SandboxCase = {
  name: 'holds no inheritable capability either (CapInh is 0)',
  script: () => 'grep "^CapInh:" /proc/self/status',
  check: (r) => assert.match(r.log, /^CapInh:\s+0{16}$/m, r.log),
};

// 12 kill trials: each moment of a launch is hit (bubblewrap's 20 hold the watchdog they share).
await runProcessSandboxSuites('unshare', 12, [...containerCases.filter((c) => !c.name.startsWith('runs in a user namespace of its own')), inheritable]);
