/**
 * The button hyperp puts on a check run that did not succeed (REST "Update a check run",
 * `actions`: label ≤ 20, description ≤ 40, identifier ≤ 20 characters; read 2026-12). GitHub
 * sends its press back as a `check_run` `requested_action` with this identifier.
 */
export const RERUN_FAILED_ACTION = { label: 'Re-run failed jobs', description: 'Runs the failed jobs, reuses the others', identifier: 'rerun-failed' } as const;
