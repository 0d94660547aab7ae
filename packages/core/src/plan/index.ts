// Change detection: which workflows run on a push, which images are built or reused, and why.
export * from './types.js';
export * from './branches.js';
export * from './image-store.js';
export * from './plan.js';
