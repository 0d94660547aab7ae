// @hyperp/core: the pure heart of hyperp. Nothing here performs I/O, reads a clock or draws
// random numbers; adapters feed facts in as events and carry the returned commands out.
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
export { inputBounds } from './workflow/bounds.js';
export { branchPatternProblem, artifactNameProblem, cronScheduleProblem } from './workflow/rules-workflow.js';
export { schedulerCron, SCHEDULE_EXPRESSION_MAX } from './workflow/cron.js';
export { checkTaskDefinition, type TaskDefinitionCheck } from './taskdef/validate.js';
export * from './names/index.js';
export * from './cost/index.js';
export * from './run/index.js';
export * from './run/view.js';
export * from './render/index.js';
export * from './images/index.js';
export * from './sim/index.js';
export * from './api/wire.js';
