// A stand-in for a hyperp process that a test kills with SIGKILL: it starts sandboxed tasks
// through the process engine, one every few milliseconds, each running `sleep` under a marker
// (its command line holds it), and prints `spawned` the moment each launch returns (the
// sandbox's first process exists, bubblewrap has not yet set itself up).
// Usage: drive-tasks.ts <imagesDir> <scratchDir> <image> <marker> <sandbox>
import { join } from 'node:path';
import { processEngine } from '../../src/engine/process-engine.js';
import type { SandboxName } from '../../src/engine/unshare-sandbox.js';

const [imagesDir, scratchDir, image, marker, sandbox] = process.argv.slice(2) as [string, string, string, string, SandboxName];
const engine = processEngine({ imagesDir, scratchDir, sandbox });
let n = 0;
const launch = () => {
  n++;
  engine.run({
    attemptKey: `kill/${marker}/${n}/1`, memoryMiB: 256, network: false, logFile: join(scratchDir, `task-${n}.log`),
    containers: [{
      name: 'main', image, essential: true, entryPoint: ['/bin/sh', '-c'], command: [`sleep 600; : ${marker}`],
      environment: {}, stopTimeoutSeconds: 1, binds: [], limits: { memoryMiB: 256, pids: 64, tmpMiB: 16 },
    }],
  });
  process.stdout.write('spawned\n');
  if (n < 8) setTimeout(launch, 5 + Math.floor(Math.random() * 30));
};
launch();
