/**
 * The keys ECS takes in a task definition, as data: the request parameters of
 * RegisterTaskDefinition and the fields of ContainerDefinition (Amazon ECS API Reference,
 * RegisterTaskDefinition and ContainerDefinition; checked 2026-12-03). hyperp adds one key of
 * its own to a container, `dockerfilePath`, which rendering replaces with the built `image`.
 */

/** RegisterTaskDefinition request parameters. */
export const taskDefinitionKeys = [
  'family', 'taskRoleArn', 'executionRoleArn', 'networkMode', 'containerDefinitions', 'volumes',
  'placementConstraints', 'requiresCompatibilities', 'cpu', 'memory', 'tags', 'pidMode', 'ipcMode',
  'proxyConfiguration', 'inferenceAccelerators', 'ephemeralStorage', 'runtimePlatform', 'enableFaultInjection',
] as const;

/**
 * Fields DescribeTaskDefinition returns but RegisterTaskDefinition does not take: a file copied
 * from the console's JSON view carries them. Not typos, so never suggested for a misspelt key.
 */
export const describedOnlyKeys = [
  'taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt',
  'registeredBy', 'deregisteredAt',
] as const;

/** ContainerDefinition fields. */
export const containerDefinitionKeys = [
  'name', 'image', 'repositoryCredentials', 'cpu', 'memory', 'memoryReservation', 'links', 'portMappings',
  'essential', 'restartPolicy', 'entryPoint', 'command', 'environment', 'environmentFiles', 'mountPoints',
  'volumesFrom', 'linuxParameters', 'secrets', 'dependsOn', 'startTimeout', 'stopTimeout', 'versionConsistency',
  'hostname', 'user', 'workingDirectory', 'disableNetworking', 'privileged', 'readonlyRootFilesystem',
  'dnsServers', 'dnsSearchDomains', 'extraHosts', 'dockerSecurityOptions', 'interactive', 'pseudoTerminal',
  'dockerLabels', 'ulimits', 'logConfiguration', 'healthCheck', 'systemControls', 'resourceRequirements',
  'firelensConfiguration', 'credentialSpecs',
] as const;

/** hyperp's own container key. */
export const hyperpContainerKeys = ['dockerfilePath'] as const;
