/**
 * The environment every handler starts with: exactly the variables of the AWS contract that
 * `@hyperp/adapters-aws` reads in its one config module (`loadConfig`), plus its optional
 * `HYPERP_EFS_ROOT_DIRECTORY`, set so the access point and the task mounts cannot drift apart. All functions get the
 * same set, so any handler can be moved or merged without a deployment change.
 */

export interface HandlerEnvironmentValues {
  readonly tableName: string;
  readonly artifactsBucket: string;
  readonly clusterArn: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly assignPublicIp: 'ENABLED' | 'DISABLED';
  readonly efsFileSystemId: string;
  readonly efsAccessPointId: string;
  /** The access point's root: tasks mount `{root}/{artifact path}` directly, so both must agree. */
  readonly efsRootDirectory: string;
  readonly ecrRepositoryUri: string;
  readonly taskExecutionRoleArn: string;
  readonly jobTaskRoleArn: string;
  readonly builderTaskRoleArn: string;
  readonly builderImage: string;
  readonly zipTaskRoleArn: string;
  readonly taskLogGroup: string;
  readonly githubAppId: string;
  readonly githubPrivateKeySecretArn: string;
  readonly webhookSecretArn: string;
  readonly plannerFunctionName: string;
  readonly stepperFunctionName: string;
  readonly efsFunctionName: string;
  readonly schedulerGroupName: string;
  readonly schedulerRoleArn: string;
  /** What a cron schedule invokes: the `api` function, with a `{"kind":"cron",…}` payload. */
  readonly manualRunFunctionArn: string;
  /** Region of the Fargate prices; unset means the deployment's own region. */
  readonly priceRegion?: string;
}

export const handlerEnvironment = (v: HandlerEnvironmentValues): Record<string, string> => ({
  HYPERP_TABLE_NAME: v.tableName,
  HYPERP_ARTIFACTS_BUCKET: v.artifactsBucket,
  HYPERP_CLUSTER_ARN: v.clusterArn,
  HYPERP_SUBNET_IDS: v.subnetIds.join(','),
  HYPERP_SECURITY_GROUP_IDS: v.securityGroupIds.join(','),
  HYPERP_ASSIGN_PUBLIC_IP: v.assignPublicIp,
  HYPERP_EFS_FILE_SYSTEM_ID: v.efsFileSystemId,
  HYPERP_EFS_ACCESS_POINT_ID: v.efsAccessPointId,
  HYPERP_EFS_ROOT_DIRECTORY: v.efsRootDirectory,
  HYPERP_ECR_REPOSITORY_URI: v.ecrRepositoryUri,
  HYPERP_TASK_EXECUTION_ROLE_ARN: v.taskExecutionRoleArn,
  HYPERP_JOB_TASK_ROLE_ARN: v.jobTaskRoleArn,
  HYPERP_BUILDER_TASK_ROLE_ARN: v.builderTaskRoleArn,
  HYPERP_BUILDER_IMAGE: v.builderImage,
  HYPERP_ZIP_TASK_ROLE_ARN: v.zipTaskRoleArn,
  HYPERP_TASK_LOG_GROUP: v.taskLogGroup,
  HYPERP_GITHUB_APP_ID: v.githubAppId,
  HYPERP_GITHUB_PRIVATE_KEY_SECRET_ARN: v.githubPrivateKeySecretArn,
  HYPERP_WEBHOOK_SECRET_ARN: v.webhookSecretArn,
  HYPERP_PLANNER_FUNCTION_NAME: v.plannerFunctionName,
  HYPERP_STEPPER_FUNCTION_NAME: v.stepperFunctionName,
  HYPERP_EFS_FUNCTION_NAME: v.efsFunctionName,
  HYPERP_SCHEDULER_GROUP_NAME: v.schedulerGroupName,
  HYPERP_SCHEDULER_ROLE_ARN: v.schedulerRoleArn,
  HYPERP_MANUAL_RUN_FUNCTION_ARN: v.manualRunFunctionArn,
  ...(v.priceRegion ? { HYPERP_PRICE_REGION: v.priceRegion } : {}),
});
