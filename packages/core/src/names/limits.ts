/**
 * The AWS naming limits hyperp's names must meet, as data next to their source. Tests check every
 * name function against these patterns. Checked 2026-11-22.
 */
export interface NameLimit {
  readonly maxLength: number;
  readonly pattern: RegExp;
  readonly source: string;
}

export const awsNameLimits = {
  /** "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed." */
  taskDefinitionFamily: {
    maxLength: 255,
    pattern: /^[A-Za-z0-9_-]{1,255}$/,
    source: 'ECS API Reference, RegisterTaskDefinition `family`',
  },
  /**
   * ECR stores tags up to 300 characters, but Docker's own rule is stricter and is the one
   * clients enforce: ASCII letters, digits, `_`, `.`, `-`, not starting with `.` or `-`, up to 128.
   */
  imageTag: {
    maxLength: 128,
    pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/,
    source: 'docs.docker.com `docker image tag`; ECR API Reference ImageIdentifier `imageTag` (max 300)',
  },
  /**
   * A container definition's `image`: "Up to 255 letters (uppercase and lowercase), numbers,
   * hyphens, underscores, colons, periods, forward slashes, and number signs are allowed."
   */
  containerImage: {
    maxLength: 255,
    pattern: /^[A-Za-z0-9_:./#-]{1,255}$/,
    source: 'ECS API Reference, ContainerDefinition `image`',
  },
  /** "Up to 64 characters are allowed", ASCII 33–126 (the ECS idempotency page). */
  runTaskClientToken: {
    maxLength: 64,
    pattern: /^[\x21-\x7e]{1,64}$/,
    source: 'ECS API Reference, RunTask `clientToken`; "Ensuring idempotency" (ECS_Idempotency)',
  },
  /**
   * RunTask documents up to 128 letters, numbers, `-`, `/` and `_`; StartTask's page says 36.
   * hyperp keeps to 36 so the value is valid under either reading.
   */
  startedBy: {
    maxLength: 36,
    pattern: /^[A-Za-z0-9_/-]{1,36}$/,
    source: 'ECS API Reference, RunTask and StartTask `startedBy`',
  },
  /** Volume names follow the family rule: letters, numbers, `_` and `-`, up to 255. */
  volumeName: {
    maxLength: 255,
    pattern: /^[A-Za-z0-9_-]{1,255}$/,
    source: 'ECS API Reference, Volume `name`',
  },
  /** Stream names: 1–512 characters, no `:` or `*`; awslogs names streams `prefix/container/task-id`. */
  logStreamName: {
    maxLength: 512,
    pattern: /^[^:*]{1,512}$/,
    source: 'CloudWatch Logs API Reference, CreateLogStream `logStreamName`; ECS awslogs driver docs',
  },
  /**
   * An EFS volume's `rootDirectory`: up to 4,096 characters (the ECS and Batch
   * EFSVolumeConfiguration references), and, as every path on the NFS file system and in the
   * local store, no segment over 255 bytes (NAME_MAX). hyperp's segments are ASCII.
   */
  efsRootDirectory: {
    maxLength: 4096,
    pattern: /^(\/[\x21-\x2e\x30-\x7e]{1,255})+$/,
    source: 'ECS API Reference, EFSVolumeConfiguration `rootDirectory`; Batch API Reference (max 4,096); Linux NAME_MAX 255',
  },
  /** Object keys: up to 1,024 bytes of UTF-8; hyperp keeps to the "safe characters" set. */
  s3ObjectKey: {
    maxLength: 1024,
    pattern: /^[A-Za-z0-9!_.*'()\/-]{1,1024}$/,
    source: 'Amazon S3 User Guide, "Naming Amazon S3 objects" (object key naming guidelines)',
  },
} as const satisfies Record<string, NameLimit>;

export const meetsLimit = (limit: NameLimit, name: string): boolean =>
  name.length <= limit.maxLength && limit.pattern.test(name);
