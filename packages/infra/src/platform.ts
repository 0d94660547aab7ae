/**
 * `Platform`: everything hyperp needs in one AWS account and region, as one Pulumi component.
 * The per-account program (`program.ts`) creates one from stack config; another Pulumi program
 * may embed it with its own arguments.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { createArtifactsPolicy } from './artifacts-access.js';
import { createCompute } from './compute.js';
import { handlerEnvironment } from './environment.js';
import { createDeadLetterQueue, createSchedulerGroup, createWakeupQueue, wireEvents } from './events.js';
import { createFunctionLogGroups, createFunctions, createFunctionUrls, functionName, missingBundles, type FunctionSettings } from './functions.js';
import type { PlatformArns } from './iam/grants.js';
import { attachGrants, createCliUserPolicy, createRoles } from './iam/roles.js';
import { FUNCTION_NAMES, type FunctionName } from './names.js';
import { createNetwork } from './network.js';
import { nextSteps } from './next-steps.js';
import type { Scope } from './scope.js';
import { createSecrets } from './secrets.js';
import { createSecretsKey } from './secrets-key.js';
import { PlatformArgsError, resolvePlatformArgs } from './settings.js';
import { EFS_ROOT, createStorage, type EfsIaDays } from './storage.js';

export interface PlatformArgs {
  /** The GitHub App's numeric id (its settings page, "App ID"). Required: every handler reads it. */
  readonly githubAppId: pulumi.Input<string>;
  /** The region the AWS provider deploys to. Default: `aws:region` config, else `AWS_REGION`. */
  readonly region?: string;
  /**
   * Prefix of the names hyperp chooses: functions `<prefix>-webhook`…, log groups
   * `/hyperp/<prefix>/…`, logical names. Lowercase letters, digits and dashes, at most 40.
   * Default: the component's name. Two deployments in one account and region need two prefixes.
   */
  readonly namePrefix?: string;
  readonly network?: {
    /**
     * `public` (default): tasks run in public subnets with public IPs and reach the internet
     * through the internet gateway; no NAT gateway. `private`: tasks run in private subnets and
     * reach the internet through NAT gateways (billed per hour and per GB).
     */
    readonly mode?: 'public' | 'private';
    /** Availability zones, each with its subnets and an EFS mount target. Default 2 (2 to 6). */
    readonly availabilityZones?: number;
    /** The VPC's IPv4 range. Default `10.0.0.0/16`. */
    readonly cidrBlock?: string;
    /** Private mode only: `single` NAT gateway (default, cheaper) or one `perAz` (survives a zone outage). */
    readonly natGateways?: 'single' | 'perAz';
  };
  /** The image builder (a maintained kaniko fork). Default `ghcr.io/kaniko-build/dist/mzihlmann-kaniko/executor:v1.24.3`. */
  readonly builderImage?: pulumi.Input<string>;
  /** Days an image may go without being pulled before ECR expires it. Default 90. */
  readonly imageExpiryDays?: number;
  /** Days a downloadable zip stays in S3 (a new one is made on request). Default 30. */
  readonly downloadExpiryDays?: number;
  /** Days without access before EFS moves a file to Infrequent Access. Default 30. */
  readonly efsTransitionToIaDays?: EfsIaDays;
  /** Retention of every log group, in days (a value CloudWatch accepts). Default 30. */
  readonly logRetentionDays?: number;
  /**
   * Keep the run table, the downloads bucket, the artifacts file system and the image
   * repository when the stack is destroyed (Pulumi forgets them; AWS keeps them). Default true.
   */
  readonly retainData?: boolean;
  /** Region whose Fargate prices cost figures use. Default: unset, the deployment's own region. */
  readonly priceRegion?: pulumi.Input<string>;
  /** Managed policies for user jobs' own AWS access (the job task role has none of its own). Default none. */
  readonly jobTaskPolicyArns?: pulumi.Input<string>[];
  /**
   * Who may manage which repositories' secrets through the API (`hyperp secrets`): repositories
   * (`owner/name`, `owner/*`, `*`) to IAM user or role ARNs. Default: every caller of the API.
   */
  readonly secretsManagers?: Readonly<Record<string, readonly string[]>>;
  /**
   * Directory of the handler bundles (`<dir>/<function>/index.mjs`); the component stops when one
   * is missing. Default: `packages/adapters-aws/dist/bundles` of the repository this package is in.
   */
  readonly bundlesDir?: string;
  /** Memory (MB) and timeout (s) per function. Defaults: `FUNCTION_DEFAULTS`. */
  readonly functions?: Partial<Record<FunctionName, Partial<FunctionSettings>>>;
  /** CloudWatch Container Insights on the cluster (billed per metric). Default false. */
  readonly containerInsights?: boolean;
  /** Tags on every resource that takes tags, besides `hyperp:deployment`. Default none. */
  readonly tags?: Record<string, string>;
}

export class Platform extends pulumi.ComponentResource {
  /** Paste into the GitHub App's "Webhook URL". */
  readonly webhookUrl: pulumi.Output<string>;
  /** The CLI's API (AWS_IAM auth). */
  readonly apiUrl: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;
  readonly tableName: pulumi.Output<string>;
  readonly clusterArn: pulumi.Output<string>;
  readonly repositoryUrl: pulumi.Output<string>;
  /** The image repository's and the artifacts file system's ids: what a retained one is deleted by (docs/deploy.md). */
  readonly repositoryName: pulumi.Output<string>;
  readonly fileSystemId: pulumi.Output<string>;
  readonly githubPrivateKeySecretArn: pulumi.Output<string>;
  readonly webhookSecretArn: pulumi.Output<string>;
  /** The deployment's KMS key of every secret; who puts the GitHub App's secrets needs to use it. */
  readonly secretsKeyArn: pulumi.Output<string>;
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  /** Attach to CLI users: lets them call the API. */
  readonly cliUserPolicyArn: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  /** What to do after `pulumi up`, with this deployment's URLs and ARNs filled in. */
  readonly nextSteps: pulumi.Output<string>;

  constructor(name: string, args: PlatformArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('hyperp:index:Platform', name, {}, opts);
    const s = resolvePlatformArgs(name, { ...args, region: args.region ?? aws.config.region });
    // A missing bundle would otherwise surface only when `pulumi up` uploads the function code.
    const missing = missingBundles(s.bundlesDir);
    if (missing.length > 0) {
      throw new PlatformArgsError(
        `the Lambda bundles are not built (missing ${missing.join(', ')}); run \`pnpm --filter @hyperp/adapters-aws bundle\` from the repository root, or point bundlesDir at them`,
      );
    }
    const scope: Scope = { name: s.prefix, parent: this, tags: s.tags };

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const functionArn = (fn: FunctionName) =>
      pulumi.interpolate`arn:${partition}:lambda:${region}:${identity.accountId}:function:${functionName(s.prefix, fn)}`;

    const network = createNetwork(scope, s.network);
    const storage = createStorage(scope, s.storage, network);
    const compute = createCompute(scope, s.compute);
    const secretsKey = createSecretsKey(scope, pulumi.output({ partition, region, accountId: identity.accountId }));
    const secrets = createSecrets(scope, secretsKey);
    const deadLetterQueue = createDeadLetterQueue(scope);
    const wakeupQueue = createWakeupQueue(scope, s.functions.stepper.timeout, deadLetterQueue);
    const schedulerGroup = createSchedulerGroup(scope);
    const logGroups = createFunctionLogGroups(scope, s.logRetentionDays);
    const roles = createRoles(scope, identity.accountId, s.jobTaskPolicyArns);

    const record = <T>(make: (fn: FunctionName) => pulumi.Output<T>) =>
      pulumi.output(Object.fromEntries(FUNCTION_NAMES.map((fn) => [fn, make(fn)]))) as pulumi.Output<Record<FunctionName, T>>;
    const arns: pulumi.Output<PlatformArns> = pulumi.output({
      namePrefix: s.prefix,
      partition,
      region,
      accountId: identity.accountId,
      table: storage.table.arn,
      tableStream: storage.table.streamArn,
      bucket: storage.bucket.arn,
      repository: compute.repository.arn,
      cluster: compute.cluster.arn,
      clusterName: compute.cluster.name,
      fileSystem: storage.fileSystem.arn,
      accessPoint: storage.accessPoint.arn,
      githubPrivateKeySecret: secrets.githubPrivateKey.arn,
      webhookSecret: secrets.webhookSecret.arn,
      secretsKey: secretsKey.key.arn,
      taskLogGroup: compute.taskLogGroup.arn,
      functionLogGroups: record((fn) => logGroups[fn].arn),
      functions: record(functionArn),
      executionRole: roles.execution.arn,
      taskRoles: { job: roles.tasks.job.arn, builder: roles.tasks.builder.arn },
      schedulerRole: roles.scheduler.arn,
      schedulerGroupName: schedulerGroup.name,
      deadLetterQueue: deadLetterQueue.arn,
      wakeupQueue: wakeupQueue.arn,
    });
    const grants = attachGrants(scope, roles, arns);
    createArtifactsPolicy(
      scope,
      storage.fileSystem,
      pulumi.output({
        partition,
        accountId: identity.accountId,
        fileSystem: storage.fileSystem.arn,
        helperAccessPoint: storage.accessPoint.arn,
        jobTaskRole: roles.tasks.job.arn,
      }),
      s.storage.retainData,
    );

    const environment = pulumi
      .output({
        tableName: storage.table.name,
        artifactsBucket: storage.bucket.bucket,
        clusterArn: compute.cluster.arn,
        subnetIds: network.taskSubnetIds,
        securityGroupIds: [network.tasksSecurityGroup.id],
        efsFileSystemId: storage.fileSystem.id,
        ecrRepositoryUri: compute.repository.repositoryUrl,
        taskExecutionRoleArn: roles.execution.arn,
        jobTaskRoleArn: roles.tasks.job.arn,
        builderTaskRoleArn: roles.tasks.builder.arn,
        builderImage: s.builderImage,
        taskLogGroup: compute.taskLogGroup.name,
        githubAppId: s.githubAppId,
        githubPrivateKeySecretArn: secrets.githubPrivateKey.arn,
        webhookSecretArn: secrets.webhookSecret.arn,
        secretsKeyArn: secretsKey.key.arn,
        schedulerGroupName: schedulerGroup.name,
        schedulerRoleArn: roles.scheduler.arn,
        manualRunFunctionArn: functionArn('api'),
        wakeupQueueUrl: wakeupQueue.url,
        priceRegion: s.priceRegion,
        secretsManagers: s.secretsManagers,
      })
      .apply((v) =>
        handlerEnvironment({
          ...v,
          assignPublicIp: network.assignPublicIp,
          familyPrefix: s.prefix,
          efsRootDirectory: EFS_ROOT,
          plannerFunctionName: functionName(s.prefix, 'planner'),
          stepperFunctionName: functionName(s.prefix, 'stepper'),
          efsFunctionName: functionName(s.prefix, 'efs'),
        }),
      );

    const functions = createFunctions(scope, {
      bundlesDir: s.bundlesDir,
      settings: s.functions,
      roles,
      grants,
      logGroups,
      environment,
      efs: {
        accessPointArn: storage.accessPoint.arn,
        mountTargets: storage.mountTargets,
        subnetIds: network.taskSubnetIds,
        securityGroupId: network.efsFunctionSecurityGroup.id,
      },
    });
    const urls = createFunctionUrls(scope, functions);
    wireEvents(scope, {
      clusterArn: compute.cluster.arn,
      tableStreamArn: storage.table.streamArn,
      deadLetterQueue,
      taskEvents: functions['task-events'],
      sweep: functions.sweep,
      stepper: functions.stepper,
      planner: functions.planner,
      efs: functions.efs,
      sweepScheduleRoleArn: roles.sweepSchedule.arn,
      sweepScheduleGrants: grants.sweepSchedule,
      stepperGrants: grants.functions.stepper,
      wakeupQueue,
    });
    const cliUserPolicy = createCliUserPolicy(scope, arns);

    this.webhookUrl = urls.webhook.functionUrl;
    this.apiUrl = urls.api.functionUrl;
    this.bucketName = storage.bucket.bucket;
    this.tableName = storage.table.name;
    this.clusterArn = compute.cluster.arn;
    this.repositoryUrl = compute.repository.repositoryUrl;
    this.repositoryName = compute.repository.name;
    this.fileSystemId = storage.fileSystem.id;
    this.githubPrivateKeySecretArn = secrets.githubPrivateKey.arn;
    this.webhookSecretArn = secrets.webhookSecret.arn;
    this.secretsKeyArn = secretsKey.key.arn;
    this.deadLetterQueueUrl = deadLetterQueue.url;
    this.cliUserPolicyArn = cliUserPolicy.arn;
    this.region = region;
    this.nextSteps = pulumi
      .output({
        webhookUrl: this.webhookUrl,
        apiUrl: this.apiUrl,
        region,
        githubPrivateKeySecretArn: this.githubPrivateKeySecretArn,
        webhookSecretArn: this.webhookSecretArn,
        secretsKeyArn: this.secretsKeyArn,
        cliUserPolicyArn: this.cliUserPolicyArn,
      })
      .apply(nextSteps);

    this.registerOutputs({
      webhookUrl: this.webhookUrl,
      apiUrl: this.apiUrl,
      bucketName: this.bucketName,
      tableName: this.tableName,
      clusterArn: this.clusterArn,
      repositoryUrl: this.repositoryUrl,
      repositoryName: this.repositoryName,
      fileSystemId: this.fileSystemId,
      githubPrivateKeySecretArn: this.githubPrivateKeySecretArn,
      webhookSecretArn: this.webhookSecretArn,
      secretsKeyArn: this.secretsKeyArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      cliUserPolicyArn: this.cliUserPolicyArn,
      region: this.region,
      nextSteps: this.nextSteps,
    });
  }
}
