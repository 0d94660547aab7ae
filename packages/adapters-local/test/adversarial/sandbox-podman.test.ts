// The adversarial sandbox cases and the container lifetime trials against a real podman (see
// container-runner.ts). CI installs it (.ci/run); without it this file fails and says why.
import { runContainerSandboxSuites } from './container-runner.js';

await runContainerSandboxSuites('podman');
