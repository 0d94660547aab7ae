/**
 * `@hyperp/core/internal`: everything hyperp's own adapters and CLI use beyond the public API
 * (names, paths, rendering, image keys, validation rules, the HTTP API's shapes).
 *
 * UNSTABLE: any release may change or remove any of it. Embedders use `@hyperp/core` (and
 * `@hyperp/core/sim` for the simulator); ask for what you miss there instead of importing it here.
 * It re-exports the public API too, so a module of hyperp's needs one import.
 */
export * from './index.js';
export { plural } from './text/plural.js';
export * from './workflow/model.js';
export * from './taskdef/model.js';
export * from './workflow/spec.js';
export * from './plan/index.js';
export * from './repo/snapshot.js';
export * from './repo/from-files.js';
export * from './repo/path.js';
export * from './dag/graph.js';
export * from './dag/format.js';
export * from './fargate/grid.js';
export * from './fargate/size.js';
export * from './workflow/issue.js';
export * from './workflow/load.js';
export * from './workflow/repo-path.js';
export * from './workflow/choose.js';
export * from './workflow/inputs.js';
export * from './workflow/secrets.js';
export * from './workflow/secret-places.js';
export { inputBounds } from './workflow/bounds.js';
export { branchPatternProblem, artifactNameProblem, cronScheduleProblem } from './workflow/rules-workflow.js';
export { schedulerCron, SCHEDULE_EXPRESSION_MAX } from './workflow/cron.js';
export { checkTaskDefinition, type TaskDefinitionCheck } from './taskdef/validate.js';
export * from './names/index.js';
export * from './cost/index.js';
export * from './run/index.js';
export * from './run/view.js';
export * from './run/detail.js';
export * from './render/index.js';
export * from './images/index.js';
export * from './api/wire.js';
export * from './report/index.js';
export * from './text/mask.js';
