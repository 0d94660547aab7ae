export * from './random.js';
export * from './cluster.js';
export * from './simulate.js';
export * from './lower-bound.js';
export * from './invariants.js';
export * from './workflow.js';
export * from './harness.js';
