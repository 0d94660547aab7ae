// A stand-in for a hyperp process that a test kills with SIGKILL: it opens the docker or podman
// engine, prints its owner label, then starts four tasks a few milliseconds apart, each running
// `sleep` under a marker (the container's command line holds it), and prints `spawned` as each
// launch returns (its container is still being created).
// Usage: drive-containers.ts <docker|podman> <scratchDir> <image> <marker>
import { join } from 'node:path';
import { openContainerEngine } from '../../src/engine/container-engine.js';
import { selfOwner } from '../../src/engine/container-owner.js';

const [cli, scratchDir, image, marker] = process.argv.slice(2) as ['docker' | 'podman', string, string, string];
const engine = await openContainerEngine({ cli, scratchDir });
process.stdout.write(`owner ${selfOwner()}\n`);
let n = 0;
const launch = () => {
  n++;
  void engine.run({
    attemptKey: `kill/${marker}/${n}/1`, memoryMiB: 64, network: false, logFile: join(scratchDir, `task-${marker}-${n}.log`),
    containers: [{
      name: 'main', image, essential: true, entryPoint: ['/bin/sh', '-c'], command: [`sleep 600; : ${marker}`],
      environment: {}, stopTimeoutSeconds: 1, binds: [], limits: { memoryMiB: 64, pids: 64, tmpMiB: 8 },
    }],
  }).done;
  process.stdout.write('spawned\n');
  if (n < 4) setTimeout(launch, 5 + Math.floor(Math.random() * 60));
};
launch();
