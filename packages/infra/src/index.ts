// @hyperp/infra: the Pulumi component that deploys hyperp, its pieces, and its policy rules.
export { Platform, type PlatformArgs } from './platform.js';
export { resolvePlatformArgs, PlatformArgsError, DEFAULT_BUILDER_IMAGE, LOG_RETENTION_DAYS, type PlatformSettings } from './settings.js';
export { handlerEnvironment, type HandlerEnvironmentValues } from './environment.js';
export {
  readPermissions, readEnvironment, defaultContractDir, type PermissionsManifest, type Permission, type EnvironmentVariable,
} from './contract.js';
export { RESOURCE_KINDS } from './iam/resource-kinds.js';
export { FUNCTION_DEFAULTS, missingBundles, defaultBundlesDir, functionName, type FunctionSettings } from './functions.js';
export { FUNCTION_NAMES, TASK_KINDS, EFS_MOUNT_PATH, DOWNLOADS_PREFIX, type FunctionName, type TaskKind } from './names.js';
export { functionGrants, taskGrants, executionGrants, schedulerGrants, cliUserGrants, type PlatformArns } from './iam/grants.js';
export { nextSteps, type NextStepsValues } from './next-steps.js';
export { readPlatformConfig, defaultNamePrefix, CONFIG_KEYS, type ConfigReader } from './stack-config.js';
export * as policyRules from './policy/rules.js';
export { policies } from './policy/policies.js';
