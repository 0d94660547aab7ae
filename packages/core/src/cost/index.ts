// Prices as data, the cost of a task and of EFS storage, and rollups per job and run.
export * from './prices.js';
export * from './errors.js';
export * from './task.js';
export * from './efs.js';
export * from './rollup.js';
