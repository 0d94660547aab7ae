/**
 * Runs one sandboxed process to its end and stops it the way ECS stops a container: SIGTERM to
 * the container's processes, then SIGKILL to the whole process group once the container's
 * stopTimeout has passed. bubblewrap itself dies on SIGTERM (and then takes its sandbox down at
 * once with SIGKILL), so the polite signal goes to the programs inside it, not to bwrap: they
 * are found as descendants through /proc. A deadline or a stop request both go through `stop`;
 * the result says which one ended it. (Deadlines are the reducer's: it asks for the stop.)
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { logMask } from '../secrets/mask.js';

export interface ProcessExit {
  /** The exit code, or 128 + signal number when a signal ended it (as a shell reports it). */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why hyperp stopped it, when it did. */
  readonly stoppedBy?: 'deadline' | 'stop';
  readonly stopReason?: string;
  /** The program could not be started at all (no such file…). */
  readonly spawnError?: string;
}

export interface Supervised {
  readonly done: Promise<ProcessExit>;
  readonly pid: number | undefined;
  /** SIGTERM now, SIGKILL after `graceMs`; harmless when it has already ended. */
  readonly stop: (reason: string, by?: 'deadline' | 'stop') => void;
}

/** Processes below `root` whose program is not bwrap (its outer process and its pid-1 reaper). */
const sandboxedProcesses = (root: number): number[] => {
  const children = new Map<number, number[]>();
  const comm = new Map<number, string>();
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses; the last ')' ends it.
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      const pid = Number(name);
      comm.set(pid, stat.slice(stat.indexOf('(') + 1, close));
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      if (comm.get(c) !== 'bwrap') out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
};

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGABRT: 6, SIGSEGV: 11, SIGPIPE: 13 };

export interface SuperviseOptions {
  readonly logFd: number;
  readonly graceMs: number;
  /**
   * Who gets the SIGTERM: `sandboxed` for bwrap (the programs inside it), `group` for a program
   * that handles it itself (the docker or podman client forwards it to the container).
   */
  readonly politeTarget: 'sandboxed' | 'group';
  /** Working directory of the program (else this process's). */
  readonly cwd?: string;
  /** Its environment (else this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Written before each line of its output (`[main] `): a task of several containers shares one
   * log, and a line must say whose it is. Without it the output goes to the log as it comes.
   */
  readonly label?: string;
  /** Secret values to write as `***` (`secrets/mask.ts` patterns): the output then passes through hyperp. */
  readonly mask?: readonly string[];
}

/** How long the output of a program that has exited may still come (a child it left holds the pipe). */
const OUTPUT_GRACE_MS = 2000;

/**
 * Copies `stream` to `fd` a line at a time, each line after `label`: lines of several writers to
 * one file stay whole. What is left without a newline at the end is written with one.
 */
const labelLines = (stream: Readable, fd: number, label: string, patterns: readonly string[]): Promise<void> =>
  new Promise((resolve) => {
    let rest = Buffer.alloc(0);
    const prefix = Buffer.from(label);
    const mask = logMask(patterns);
    stream.on('data', (raw: Buffer) => {
      const chunk = mask.push(raw);
      let data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      let nl = data.indexOf(10);
      const out: Buffer[] = [];
      while (nl >= 0) {
        out.push(prefix, data.subarray(0, nl + 1));
        data = data.subarray(nl + 1);
        nl = data.indexOf(10);
      }
      if (out.length > 0) writeSync(fd, Buffer.concat(out));
      rest = Buffer.from(data);
    });
    const end = () => {
      const held = mask.end();
      if (held.length > 0) rest = Buffer.concat([rest, held]);
      if (rest.length > 0) writeSync(fd, Buffer.concat([prefix, rest, Buffer.from('\n')]));
      rest = Buffer.alloc(0);
      resolve();
    };
    stream.once('end', end);
    stream.once('close', end);
    stream.once('error', end);
  });

export const supervise = (file: string, args: readonly string[], opts: SuperviseOptions): Supervised => {
  // detached: the child leads its own process group, so one kill reaches everything it started.
  const direct = opts.label === undefined && (opts.mask ?? []).length === 0;
  const out = direct ? opts.logFd : 'pipe';
  const child = spawn(file, [...args], { stdio: ['ignore', out, out], detached: true, ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.env ? { env: opts.env } : {}) });
  const copy = (stream: Readable) => labelLines(stream, opts.logFd, opts.label ?? '', opts.mask ?? []);
  const copied = direct || !child.stdout || !child.stderr ? Promise.resolve() : Promise.all([copy(child.stdout), copy(child.stderr)]).then(() => undefined);
  /** The output is in the log (or given up on, when something the program left keeps the pipe open). */
  const outputDone = (): Promise<void> => {
    if (direct) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => (timer = setTimeout(() => {
      child.stdout?.destroy();
      child.stderr?.destroy();
      r();
    }, OUTPUT_GRACE_MS)));
    return Promise.race([copied, late]).finally(() => clearTimeout(timer));
  };
  let stoppedBy: 'deadline' | 'stop' | undefined;
  let stopReason: string | undefined;
  let ended = false;
  let killTimer: NodeJS.Timeout | undefined;

  const signalGroup = (sig: NodeJS.Signals) => {
    if (ended || child.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // the group is already gone
    }
  };
  const stop = (reason: string, by: 'deadline' | 'stop' = 'stop') => {
    if (ended || stoppedBy) return;
    stoppedBy = by;
    stopReason = reason;
    if (opts.politeTarget === 'group') signalGroup('SIGTERM');
    else if (child.pid !== undefined) {
      for (const pid of sandboxedProcesses(child.pid)) {
        try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
      }
    }
    killTimer = setTimeout(() => signalGroup('SIGKILL'), opts.graceMs);
  };
  const done = new Promise<ProcessExit>((resolve) => {
    child.once('error', (e) => {
      ended = true;
      clearTimeout(killTimer);
      resolve({ exitCode: null, signal: null, spawnError: e.message });
    });
    child.once('exit', (code, signal) => {
      ended = true;
      clearTimeout(killTimer);
      const exitCode = code ?? (signal ? 128 + (SIGNALS[signal] ?? 0) : null);
      void outputDone().then(() => resolve({ exitCode, signal, ...(stoppedBy ? { stoppedBy, stopReason } : {}) }));
    });
  });
  return { done, pid: child.pid, stop };
};
