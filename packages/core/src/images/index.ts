// Content-addressed image keys: what Docker would build from, hashed.
export * from './dockerignore.js';
export * from './key.js';
