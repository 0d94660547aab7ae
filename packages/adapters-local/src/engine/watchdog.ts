/**
 * The sandboxes' undertaker: one small shell per hyperp process, started before its first
 * sandbox, that outlives hyperp by a moment and kills every sandbox hyperp left behind.
 *
 * Why a parent-death signal is not enough: bubblewrap running as root changes its credentials
 * while it sets up, which clears the death signal its parent armed, and sets its own only
 * afterwards (relative to whoever is its parent by then). A hyperp killed in those few
 * milliseconds left a sandbox running for good (measured: most of the trials that kill hyperp
 * right as it launches). The watchdog needs no signal: it holds the read end of a pipe only
 * hyperp writes to, so it reads end-of-file when hyperp is gone, however it died, and even if
 * it died before the watchdog started to read. It then waits until hyperp has finished dying
 * (its zombie is there or it is reaped: no launch can begin after that), and kills every
 * process whose command line carries hyperp's sandbox marker (each bubblewrap of this hyperp,
 * and launchers that had not yet become one), until two rounds find none. A sandbox's own
 * processes live in its pid namespace and die with its first process.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** `--unsetenv <this>` in every bubblewrap command line of this hyperp process (harmless: the environment is cleared first). */
export const sandboxMarker = (pid: number, startTime: string): string => `HYPERP_SANDBOX_${pid}_${startTime}`;

const SCRIPT = [
  'pid=$1; start=$2; shift 2',
  // hyperp never writes: this returns when its end of the pipe closes, that is, when it exits.
  'read -r _ || :',
  'i=0',
  'while [ $i -lt 200 ]; do',
  '  state=$(sed "s/.*) //" /proc/$pid/stat 2>/dev/null | cut -c1)',
  '  case "$state" in ""|Z|X) break ;; esac',
  '  sleep 0.05; i=$((i+1))',
  'done',
  // The pattern does not match its own text ([_]), so grep never finds itself.
  'empty=0',
  'while [ $empty -lt 2 ]; do',
  '  found=$(grep -lsa "HYPERP_SANDBOX[_]${pid}_${start}" /proc/[0-9]*/cmdline | sed -n "s#^/proc/\\([0-9]*\\)/cmdline\\$#\\1#p")',
  '  if [ -z "$found" ]; then empty=$((empty+1)); else empty=0; kill -9 $found 2>/dev/null; fi',
  '  sleep 0.05',
  'done',
  ':',
].join('\n');

/** Field 22 of /proc/<pid>/stat: with the pid, names a process for good (pids are reused). */
export const startTimeOf = (pid: number): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
};

let started: string | undefined;

/**
 * Starts the watchdog of this process (once) and returns the marker its sandboxes carry. Its
 * task cgroups, emptied by then, are removed by the next hyperp (see `removeOrphanCgroups`).
 */
export const watchdogMarker = (): string => {
  if (started !== undefined) return started;
  const startTime = startTimeOf(process.pid) ?? '0';
  started = sandboxMarker(process.pid, startTime);
  const child = spawn('/bin/sh', ['-c', SCRIPT, 'hyperp-watchdog', String(process.pid), startTime], {
    // Its own session: a Ctrl-C or a kill of hyperp's process group does not take it first.
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.once('error', () => undefined);
  // Neither the child nor the pipe keeps hyperp's event loop alive; the pipe closes when hyperp exits.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return started;
};
