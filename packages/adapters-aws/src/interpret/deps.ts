import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EFSClient } from '@aws-sdk/client-efs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsConfig } from '../config.js';
import type { GitHub } from '../github/app-client.js';
import type { ImageStore } from '../store/images.js';
import type { BuildContexts } from '../contexts/upload.js';

/** What carrying out commands needs: clients as capabilities, so tests pass mocks or local servers. */
export interface InterpreterDeps {
  readonly config: AwsConfig;
  readonly ecs: Pick<ECSClient, 'send'>;
  readonly lambda: Pick<LambdaClient, 'send'>;
  /**
   * EFS, for the run's access points (`efs/access-points.ts`): with it, jobs mount their folders
   * through them; production always gives it (the file system's policy admits nothing else).
   */
  readonly efs?: Pick<EFSClient, 'send'>;
  readonly images: ImageStore;
  /**
   * Secrets Manager, to read the repository's secrets a run's jobs declare
   * (`secrets/read-secrets.ts`). Without it, a run that declares secrets fails to start.
   */
  readonly secrets?: Pick<SecretsManagerClient, 'send'>;
  /** A GitHub client for an App installation. */
  readonly github: (installationId: number) => GitHub;
  /**
   * Whether the installation granted `checks: write`: then the run's check run reports it
   * (`report/check-reporter.ts`) and commit statuses are not set. Absent: statuses only.
   */
  readonly usesChecks?: (installationId: number) => Promise<boolean>;
  /** Packs an image's build context into S3 for the builder (`contexts/upload.ts`). */
  readonly contexts: BuildContexts;
  /** Delivers a `Tick` to the run at `at` (production: a delayed SQS message, `aws/wakeup-queue.ts`). */
  readonly wakeups: (runId: string, at: number) => Promise<void>;
  /**
   * How long one command may take before it counts as timed out (retryable: a launch sent again
   * carries the same clientToken). Default 30 s, well inside the stepper's budget.
   */
  readonly commandDeadlineMs?: number;
  /** Epoch ms. */
  readonly now: () => number;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
}
