// Every command of `hyperp`, in the order `hyperp --help` lists them.
import type { Register } from '../program.js';
import { registerInit } from './init.js';
import { registerRun } from './run.js';
import { registerRuns } from './runs.js';
import { registerLogs } from './logs.js';
import { registerArtifacts } from './artifacts.js';
import { registerCancel } from './cancel.js';
import { registerResume } from './resume.js';
import { registerRerun } from './rerun.js';
import { registerValidate } from './validate.js';
import { registerGraph } from './graph.js';
import { registerPlan } from './plan.js';
import { registerCost } from './cost.js';
import { registerCostRun } from './cost-run.js';
import { registerDeploy } from './deploy.js';

export const commands: Register[] = [
  registerInit, registerRun, registerRuns, registerLogs, registerArtifacts, registerCancel, registerResume, registerRerun, registerValidate, registerGraph, registerPlan, registerCost, registerCostRun, registerDeploy,
];
