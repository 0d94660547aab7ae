/**
 * ECS, Lambda and SQS as the real stepper and interpreter meet them, with AWS's documented
 * errors injected (`aws-faults.ts`) behind `aws-sdk-client-mock`: RunTask keeps ECS's
 * clientToken semantics (a token starts one task; the same token with another request is a
 * ConflictException naming that task), tasks go RUNNING then STOPPED (or are stopped), the EFS
 * helper's zips are answered later. It counts what the suite asserts: tasks started per
 * `startedBy`, requests that differed under one token, faults injected by class. Build contexts
 * are packed by a stand-in that fails as S3 and GitHub do.
 */
import {
  DeleteTaskDefinitionsCommand, DeregisterTaskDefinitionCommand, DescribeTaskDefinitionCommand, DescribeTasksCommand,
  ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand,
  type RunTaskCommandInput, type Task,
} from '@aws-sdk/client-ecs';
import { CreateAccessPointCommand, DeleteAccessPointCommand, DescribeAccessPointsCommand, type CreateAccessPointCommandInput } from '@aws-sdk/client-efs';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { BuildImage } from '@hyperp/core';
import type { AwsStub } from 'aws-sdk-client-mock';
import type { ContextOutcome } from '../../src/contexts/upload.js';
import { awsError, faultsByApi, type AwsFault } from './aws-faults.js';

export interface SimTask {
  readonly arn: string;
  readonly startedBy: string;
  readonly group: string;
  readonly containers: readonly string[];
  status: 'PENDING' | 'RUNNING' | 'STOPPED';
  stopRequested: string | null;
  /** Events of this task already handed to the run: RUNNING, STOPPED. */
  reported: Set<string>;
}

export interface FaultWorldOptions {
  readonly random: () => number;
  /** Probability that a call fails. */
  readonly rate: number;
  /** Whether permanent faults may be drawn (else only retryable and unknown ones). */
  readonly permanent: boolean;
  /** EFS answers the first this many CreateAccessPoint calls with AccessPointLimitExceeded (the file system is full). */
  readonly accessPointsFullFor?: number;
}

/** APIs whose permanent failure fails the run (launch, registration, the run's folders). */
export const FATAL_APIS = new Set(['RunTask', 'RegisterTaskDefinition', 'CreateAccessPoint', 'InvokeSync', 'PutObject', 'HeadObject', 'UploadPart', 'GitHub']);

export const faultWorld = (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ecs: AwsStub<any, any, any>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  lambda: AwsStub<any, any, any>,
  o: FaultWorldOptions,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  efs?: AwsStub<any, any, any>,
) => {
  const tasks = new Map<string, SimTask>();
  const byToken = new Map<string, { arn: string; input: string }>();
  const startsByStartedBy = new Map<string, number>();
  const zips: { runId: string; job: string }[] = [];
  const injected: AwsFault[] = [];
  let differingRequests = 0;
  const packed = new Set<string>();
  let revisions = 0;

  const draw = (api: string): AwsFault | undefined => {
    // A registration makes an access point per volume: each of those calls fails less often, so
    // that a command's chance to fail stays near the rate.
    if (o.random() >= (api === 'CreateAccessPoint' ? o.rate / 4 : o.rate)) return undefined;
    const pool = (faultsByApi[api] ?? []).filter((f) => o.permanent || f.class !== 'permanent');
    if (pool.length === 0) return undefined;
    const f = pool[Math.floor(o.random() * pool.length)]!;
    injected.push(f);
    return f;
  };
  const raise = (f: AwsFault | undefined): void => {
    if (f?.error && !f.afterWork) throw f.error();
  };

  const describe = (t: SimTask): Task => ({
    taskArn: t.arn, startedBy: t.startedBy, group: t.group, lastStatus: t.status === 'PENDING' ? 'PROVISIONING' : t.status,
    version: t.status === 'STOPPED' ? 3 : 2, cpu: '256', memory: '512',
    containers: t.containers.map((name) => ({ name, ...(t.status === 'STOPPED' ? { exitCode: t.stopRequested ? 143 : 0 } : {}) })),
    ...(t.status === 'STOPPED' ? { stopCode: t.stopRequested ? 'UserInitiated' : 'EssentialContainerExited', stoppedReason: t.stopRequested ?? 'Essential container in task exited' } : {}),
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
  });

  ecs.on(RunTaskCommand).callsFake((input: RunTaskCommandInput) => {
    const f = draw('RunTask');
    if (f?.failure) return { tasks: [], failures: [{ arn: input.clientToken, ...f.failure }] };
    raise(f);
    const token = input.clientToken!;
    const json = JSON.stringify(input);
    const known = byToken.get(token);
    if (known) {
      if (known.input !== json) {
        differingRequests++;
        throw awsError('ConflictException', 'The provided clientToken is already in use with a different RunTask request.', 400, { resourceIds: [known.arn] });
      }
      return { tasks: [describe(tasks.get(known.arn)!)], failures: [] };
    }
    const arn = `arn:aws:ecs:us-east-1:123456789012:task/hyperp/${tasks.size.toString(16).padStart(32, '0')}`;
    const containers = input.overrides?.containerOverrides?.map((c) => c.name!) ?? ['main'];
    const t: SimTask = { arn, startedBy: input.startedBy!, group: input.group!, containers, status: 'PENDING', stopRequested: null, reported: new Set() };
    tasks.set(arn, t);
    byToken.set(token, { arn, input: json });
    startsByStartedBy.set(t.startedBy, (startsByStartedBy.get(t.startedBy) ?? 0) + 1);
    if (f?.afterWork) throw f.error!();
    return { tasks: [describe(t)], failures: [] };
  });
  ecs.on(RegisterTaskDefinitionCommand).callsFake((input: { family: string }) => {
    raise(draw('RegisterTaskDefinition'));
    return { taskDefinition: { taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${input.family}:${++revisions}` } };
  });
  ecs.on(DescribeTaskDefinitionCommand).rejects(awsError('ClientException', 'Unable to describe task definition.', 400));
  ecs.on(StopTaskCommand).callsFake((input: { task: string; reason?: string }) => {
    raise(draw('StopTask'));
    const t = tasks.get(input.task);
    if (!t) throw awsError('InvalidParameterException', 'The referenced task was not found.', 400);
    if (t.status !== 'STOPPED') t.stopRequested ??= input.reason ?? 'stopped';
    return { task: describe(t) };
  });
  ecs.on(ListTasksCommand).callsFake((input: { startedBy?: string; desiredStatus?: string }) => {
    raise(draw('ListTasks'));
    if (input.startedBy !== undefined && input.desiredStatus !== undefined) {
      throw awsError('InvalidParameterException', 'When you specify startedBy as the filter, it must be the only filter that you use.', 400);
    }
    const running = [...tasks.values()].filter((t) => t.status !== 'STOPPED' && (input.startedBy === undefined || t.startedBy === input.startedBy));
    return { taskArns: running.map((t) => t.arn) };
  });
  ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => {
    raise(draw('DescribeTasks'));
    return { tasks: input.tasks.flatMap((a) => (tasks.has(a) ? [describe(tasks.get(a)!)] : [])), failures: [] };
  });
  ecs.on(DeregisterTaskDefinitionCommand).callsFake(() => {
    raise(draw('DeregisterTaskDefinition'));
    return {};
  });
  ecs.on(DeleteTaskDefinitionsCommand).callsFake(() => {
    raise(draw('DeleteTaskDefinitions'));
    return { failures: [] };
  });
  lambda.on(InvokeCommand).callsFake((input: { InvocationType?: string; Payload?: Uint8Array }) => {
    const payload = JSON.parse(new TextDecoder().decode(input.Payload)) as { op: string; runId: string; job?: string; paths?: string[] };
    if (input.InvocationType === 'Event') {
      raise(draw('InvokeAsync'));
      zips.push({ runId: payload.runId, job: payload.job! });
      return { StatusCode: 202 };
    }
    const f = draw('InvokeSync');
    raise(f);
    if (f?.functionError) return { StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode(f.functionError) };
    return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify({ created: payload.paths?.length ?? 0 })) };
  });

  // EFS: access points by client token (a repeated creation names the existing one), tagged with their run.
  const accessPoints = new Map<string, { id: string; runId: string }>();
  let fullFor = o.accessPointsFullFor ?? 0;
  let accessPointCount = 0;
  efs?.on(CreateAccessPointCommand).callsFake((input: CreateAccessPointCommandInput) => {
    if (fullFor > 0) {
      fullFor--;
      throw faultsByApi['CreateAccessPoint']![0]!.error!();
    }
    raise(draw('CreateAccessPoint'));
    const known = accessPoints.get(input.ClientToken!);
    if (known) throw awsError('AccessPointAlreadyExists', 'Access point already exists with the specified client token.', 409, { AccessPointId: known.id });
    const id = `fsap-${(++accessPointCount).toString(16).padStart(17, '0')}`;
    accessPoints.set(input.ClientToken!, { id, runId: input.Tags!.find((t) => t.Key === 'hyperp:run')!.Value! });
    return { AccessPointId: id };
  });
  efs?.on(DescribeAccessPointsCommand).callsFake(() => {
    raise(draw('DescribeAccessPoints'));
    return {
      AccessPoints: [...accessPoints.values()].map((a) => ({ AccessPointId: a.id, Tags: [{ Key: 'hyperp:run', Value: a.runId }, { Key: 'hyperp:deployment', Value: 'hyperp' }] })),
    };
  });
  efs?.on(DeleteAccessPointCommand).callsFake((input: { AccessPointId: string }) => {
    raise(draw('DeleteAccessPoint'));
    for (const [token, a] of accessPoints) if (a.id === input.AccessPointId) accessPoints.delete(token);
    return {};
  });

  return {
    accessPoints,
    tasks,
    zips,
    injected,
    startsByStartedBy,
    differingRequests: () => differingRequests,
    /**
     * Build contexts (`contexts/upload.ts`) as S3 and GitHub answer them: HeadObject, then for a
     * context not packed yet the commit's tree and blobs and the upload.
     */
    contexts: {
      ensure: async (c: BuildImage): Promise<ContextOutcome> => {
        const uri = `s3://hyperp-artifacts/hyperp-contexts/${c.key}.tar.gz`;
        raise(draw('HeadObject'));
        if (packed.has(c.key)) return { _tag: 'Ready', uri, uploaded: false };
        // Reading the repository or writing the object: one of them may fail (one draw, so a
        // build is not failed more often than a call of its own).
        raise(draw((['GitHub', 'PutObject', 'UploadPart'] as const)[Math.floor(o.random() * 3)]!));
        packed.add(c.key);
        return { _tag: 'Ready', uri, uploaded: true };
      },
    },
    /** The SQS wake-up queue: a send may fail like SendMessage does. */
    wakeups: async (): Promise<void> => raise(draw('SendMessage')),
    describe,
  };
};

export type FaultWorld = ReturnType<typeof faultWorld>;
