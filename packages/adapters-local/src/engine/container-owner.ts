/**
 * Containers of docker and podman belong to their daemon, not to the hyperp process that asked
 * for them: a `kill -9` of hyperp leaves them running. So every container carries its owner
 * (this host, hyperp's pid and that process's start time, which tells a reused pid apart), and
 *  - a reaper started with the engine removes this process's containers as soon as it ends, by
 *    whatever means: it waits for the end of a pipe whose other end only this process holds;
 *  - an engine that opens removes every container whose owner on this host is gone (a reaper
 *    that could not run, a machine that stopped).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Label holding `<host>/<pid>/<start time>` of the hyperp process that created the container. */
export const OWNER_LABEL = 'hyperp.owner';
/** Label holding the attempt a container runs (run, job, task, attempt), for people reading `ps`. */
export const ATTEMPT_LABEL = 'hyperp.attempt';

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), if readable. */
export const processStartTime = (pid: number): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state …": comm may hold spaces and parentheses; the last ')' ends it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
};

/** Host names become label-safe (no '/', no spaces): only this host's owners are ever judged. */
const thisHost = (): string => hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'localhost';

export const ownerOf = (pid: number): string => `${thisHost()}/${pid}/${processStartTime(pid) ?? ''}`;

/** This process, as its containers' owner label says it. */
export const selfOwner = (): string => ownerOf(process.pid);

/**
 * Whether the owner a label names is gone: on this host, with no such process, or with a process
 * of that pid that started at another time (the pid was reused). Owners on other hosts (one daemon
 * serving several machines) are never judged gone.
 */
export const ownerGone = (owner: string): boolean => {
  const [host, pidText, start] = owner.split('/');
  if (host !== thisHost()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const now = processStartTime(pid);
  return start !== undefined && start !== '' && now !== undefined && now !== start;
};

/**
 * Starts the reaper of this process's containers. It runs in its own session (a terminal's
 * hang-up or Ctrl-C to hyperp's group does not reach it) and reads a pipe that only this process
 * holds (Node opens pipes close-on-exec, so no container client inherits it): the pipe ends when
 * this process ends, however it ends, and the reaper then removes every container that carries
 * this owner. A container whose `create` was still on its way is left created, never started
 * (only this process starts containers), and is removed by the next engine that opens.
 */
const reaping = new Set<string>();

export const startReaper = (cli: string, owner: string): void => {
  // One reaper per CLI and owner, however many engines this process opens.
  if (reaping.has(`${cli} ${owner}`)) return;
  reaping.add(`${cli} ${owner}`);
  const script = 'cat >/dev/null 2>&1; ids=$("$0" ps -aq --filter "label=$1=$2" 2>/dev/null); [ -z "$ids" ] || "$0" rm -f $ids >/dev/null 2>&1';
  try {
    const child = spawn('sh', ['-c', script, cli, OWNER_LABEL, owner], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.once('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    // Neither the reaper nor its pipe keeps hyperp alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  } catch {
    // no shell: the next engine that opens removes what this process leaves
  }
};

/** Runs `cli args` and gives its stdout (empty when it fails). */
const output = (cli: string, args: readonly string[]): Promise<string> =>
  new Promise((resolve) => {
    let out = '';
    const child = spawn(cli, [...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', () => resolve(''));
    child.once('close', (code) => resolve(code === 0 ? out : ''));
  });

/** Removes every container whose owner is gone; returns their names. */
export const removeOrphans = async (cli: string): Promise<string[]> => {
  const ids = (await output(cli, ['ps', '-aq', '--filter', `label=${OWNER_LABEL}`])).split(/\s+/).filter((s) => s !== '');
  if (ids.length === 0) return [];
  const lines = (await output(cli, ['inspect', '--format', `{{.Id}} {{.Name}} {{index .Config.Labels "${OWNER_LABEL}"}}`, ...ids])).split('\n');
  const gone = lines.map((l) => l.trim().split(' ')).filter((f) => f.length === 3 && ownerGone(f[2]!));
  if (gone.length > 0) await output(cli, ['rm', '-f', ...gone.map((f) => f[0]!)]);
  return gone.map((f) => f[1]!.replace(/^\//, ''));
};
