// Every command of `hyperp`, in the order `hyperp --help` lists them.
import type { Register } from '../program.js';

export const commands: Register[] = [];
