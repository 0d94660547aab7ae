// The adversarial sandbox cases and the container lifetime trials against a real docker daemon
// (see container-runner.ts). CI installs and starts it (.ci/run); without it this file fails and
// says why.
import { runContainerSandboxSuites } from './container-runner.js';

await runContainerSandboxSuites('docker');
