// Task definitions and RunTask overrides for a job of a run.
export * from './settings.js';
export * from './issues.js';
export * from './mounts.js';
export * from './taskdef.js';
export * from './overrides.js';
export * from './directories.js';
export * from './size.js';
