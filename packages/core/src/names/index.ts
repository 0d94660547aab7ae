// Names and paths hyperp gives things in AWS and on disk, each within its AWS limit.
export * from './limits.js';
export * from './hash.js';
export * from './attempt.js';
export * from './family.js';
export * from './artifacts.js';
export * from './images.js';
export * from './logs.js';
export * from './zip-entries.js';
