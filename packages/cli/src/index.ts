export { runCli } from './program.js';
export type { CliContext } from './context.js';
