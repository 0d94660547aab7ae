/**
 * Sends a run's check run to GitHub: core decides what it shows (`checkRunReport`) and when it
 * is worth sending again (`checkSendDecision`); this reads the failed jobs' log tails, talks to
 * the Checks API and remembers what was sent (`store/checks.ts`). The stepper calls it after
 * every step, the sweep for every run whose final state has not reached GitHub yet.
 *
 * Reporting is a courtesy to the user, never part of the run: it never throws, and a failure
 * (a rate limit, GitHub down, a crash between two calls) leaves the run's check record pending,
 * so the next step or the sweep's next minute sends the state as it is then. A check run lost
 * between its creation and the record of its id is found again by its `external_id`.
 *
 * The failed jobs' last lines are posted masked (`secrets/run-mask.ts`): when the values to mask
 * cannot be read, the lines are not posted; a "not now" answer (throttling, a 5xx) leaves the
 * check pending, so the next report posts them masked.
 */
import { GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  checkReportDigest, checkRunName, isTerminalRun, checkRunReport, checkSendDecision, failedJobLogs, logTailLines, maskPieces, type RunState,
} from '@hyperp/core/internal';
import { classifyAwsError } from '../aws/failure-class.js';
import type { GitHub } from '../github/app-client.js';
import { RERUN_FAILED_ACTION } from '../github/check-actions.js';
import { createCheckRun, findCheckRun, updateCheckRun, type CheckRunBody } from '../github/checks.js';
import type { RunMeta } from '../run/meta.js';
import type { SecretMasks } from '../secrets/run-mask.js';
import type { CheckRecord, CheckRecords } from '../store/checks.js';

export interface CheckReporterDeps {
  readonly github: (installationId: number) => GitHub;
  /** Whether the installation granted `checks: write` (else commit statuses report the run). */
  readonly usesChecks: (installationId: number) => Promise<boolean>;
  readonly records: CheckRecords;
  /**
   * CloudWatch Logs and the tasks' log group, for the failed jobs' last lines, and the masks of
   * the secrets the jobs may have printed there.
   */
  readonly logs?: { readonly client: Pick<CloudWatchLogsClient, 'send'>; readonly logGroup: string; readonly masks: SecretMasks };
  /** Where a person sees the whole run (the deployment's run view); null for none. */
  readonly detailsUrl: (runId: string) => string | null;
  /** Epoch ms. */
  readonly now: () => number;
  readonly log: (message: string, detail?: Record<string, unknown>) => void;
  /**
   * Updates the summary comment of the pull requests whose head is the run's commit, once the
   * run has ended (`report/pull-request-reporter.ts`); a failure keeps the run pending.
   */
  readonly pullRequests?: (p: { repo: string; installationId: number; commit: string }) => Promise<unknown>;
  /** How long one report may take (default 15 s): a slow GitHub must not hold a step. */
  readonly deadlineMs?: number;
}


const iso = (ms: number): string => new Date(ms).toISOString();

export const checkReporter = (d: CheckReporterDeps) => {
  /** The records this function wrote or read, so a warm function reads each run's once. */
  const known = new Map<string, CheckRecord>();
  const remember = (r: CheckRecord) => {
    known.delete(r.runId);
    known.set(r.runId, r);
    if (known.size > 256) known.delete(known.keys().next().value!);
  };

  const logTails = async (meta: RunMeta, run: RunState): Promise<Record<string, string[]>> => {
    if (!d.logs) return {};
    const tails: Record<string, string[]> = {};
    for (const { job, stream } of failedJobLogs(run)) {
      try {
        const r = await d.logs.client.send(new GetLogEventsCommand({
          logGroupName: d.logs.logGroup, logStreamName: stream, startFromHead: false, limit: logTailLines,
        }));
        tails[job] = (r.events ?? []).map((e) => e.message ?? '');
      } catch (e) {
        // No stream (the task logged nothing) or Logs refusing: the summary goes without it.
        d.log('the log tail of a failed job was not read', { runId: run.runId, job, error: (e as Error).name });
      }
    }
    if (Object.values(tails).every((t) => t.length === 0)) return tails;
    let patterns: readonly string[];
    try {
      patterns = await d.logs.masks.forRun(meta.repo, run);
    } catch (e) {
      // Not now: the check stays pending and the next report tries again.
      if (classifyAwsError(e).failure === 'retryable') throw e;
      d.log('the log tails of failed jobs were left out: the secrets to mask in them were not read', { runId: run.runId, error: (e as Error).name });
      return {};
    }
    return Object.fromEntries(Object.entries(tails).map(([job, lines]) => [job, maskPieces(lines, patterns).map((l) => l.replace(/\n$/, ''))]));
  };

  /**
   * The pull request comment as the run ends. A refusal no repeat can change (the installation
   * may not read or write pull requests: a 403 or 404 that is not a rate limit) is logged once
   * and not kept pending: the sweep would otherwise send it every minute for ever, and such runs,
   * the oldest, would fill its page. "Not now" failures are thrown, so the run stays pending.
   */
  const comment = async (meta: RunMeta): Promise<void> => {
    try {
      await d.pullRequests?.({ repo: meta.repo, installationId: meta.installationId, commit: meta.commit });
    } catch (e) {
      if (classifyAwsError(e).failure !== 'permanent') throw e;
      d.log('the pull request comment was refused; it is not sent again', { runId: meta.runId, error: (e as Error).message });
    }
  };

  const send = async (meta: RunMeta, run: RunState): Promise<void> => {
    const runId = meta.runId;
    const checks = await d.usesChecks(meta.installationId);
    // Without checks the commit statuses tell the run (the stepper sets them); the pull request
    // comment is still this reporter's, once, as the run ends: recorded like a check, so a
    // comment GitHub refused is sent again by the next step or the sweep.
    if (!checks && !(isTerminalRun(run.status) && d.pullRequests)) return;
    let record = known.get(runId) ?? (await d.records.get(runId)) ?? null;
    if (record?.final) return;
    if (!checks) {
      await d.records.put({ runId, checkRunId: null, sent: null, final: false });
      await comment(meta);
      record = { runId, checkRunId: null, sent: null, final: true };
      remember(record);
      await d.records.put(record);
      return;
    }
    let report = checkRunReport(run, { logTails: {} });
    const decision = checkSendDecision(record?.sent ?? null, report, d.now());
    if (decision !== 'send') {
      if (record) remember(record);
      return;
    }
    if (record === null) {
      // Pending before the first call: a report lost from here on is the sweep's to send.
      record = { runId, checkRunId: null, sent: null, final: false };
      await d.records.put(record);
    }
    if (report.status === 'completed' && report.conclusion !== 'success') report = checkRunReport(run, { logTails: await logTails(meta, run) });
    const details = d.detailsUrl(runId);
    const body: CheckRunBody = {
      status: report.status,
      ...(report.conclusion !== null ? { conclusion: report.conclusion } : {}),
      ...(details ? { details_url: details } : {}),
      ...(run.startedAt !== null ? { started_at: iso(run.startedAt) } : {}),
      ...(report.status === 'completed' && run.finishedAt !== null ? { completed_at: iso(run.finishedAt) } : {}),
      output: { title: report.title, summary: report.summary },
      ...(report.status === 'completed' && report.conclusion !== 'success' && report.conclusion !== 'action_required'
        ? { actions: [RERUN_FAILED_ACTION] } : {}),
    };
    const gh = d.github(meta.installationId);
    const name = checkRunName(meta.workflow);
    let id = record.checkRunId ?? (await findCheckRun(gh, meta.repo, meta.commit, name, runId)) ?? null;
    if (id === null) id = await createCheckRun(gh, meta.repo, meta.commit, { name, external_id: runId, ...body });
    else await updateCheckRun(gh, meta.repo, id, body);
    if (report.status === 'completed' && d.pullRequests) {
      // The check run is final; the comment fails alone (the record stays pending, and the next
      // report repeats the check's update, which changes nothing, and the comment).
      await comment(meta).catch(async (e: unknown) => {
        await d.records.put({ runId, checkRunId: id, sent: record!.sent, final: false });
        throw e;
      });
    }
    record = { runId, checkRunId: id, sent: { status: report.status, digest: checkReportDigest(report), at: d.now() }, final: report.status === 'completed' };
    remember(record);
    await d.records.put(record);
  };

  /** Sends the run's check if it is due; never throws. */
  const report = async (meta: RunMeta, run: RunState): Promise<void> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        send(meta, run),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`reporting took longer than ${d.deadlineMs ?? 15_000} ms`)), d.deadlineMs ?? 15_000);
        }),
      ]);
    } catch (e) {
      known.delete(meta.runId);
      d.log('the check run was not sent; the next step or the sweep sends it', { runId: meta.runId, error: (e as Error).message });
    } finally {
      clearTimeout(timer);
    }
  };

  return { report };
};

export type CheckReporter = ReturnType<typeof checkReporter>;
