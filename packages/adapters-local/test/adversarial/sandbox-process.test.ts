// The adversarial sandbox cases and the kill -9 trials against the process engine's bubblewrap
// sandbox (see process-runner.ts).
import { runProcessSandboxSuites } from './process-runner.js';

await runProcessSandboxSuites('bwrap', 20);
