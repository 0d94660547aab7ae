/**
 * Per-task cgroups for the process engine: each task gets a cgroup with the task's memory,
 * each container one below it with the container's memory and process count (pids), and the
 * container's launcher joins it before it starts bubblewrap, so everything the job starts is
 * counted and can be found again. Two layouts are supported:
 *
 * - cgroup v1 (memory and pids hierarchies mounted and writable, e.g. as root): task cgroups
 *   live in `<own cgroup>/hyperp/` of each hierarchy, so hyperp's own limits still bound them;
 * - cgroup v2 with a delegated subtree (a systemd user session, a container with its own
 *   cgroup tree): task cgroups are siblings of hyperp's own cgroup, named `hyperp-…` (v2 allows
 *   no processes in a cgroup whose controllers are handed down, so never below its own).
 *
 * A cgroup is named after the hyperp process that made it (pid and start time), so one left by
 * a hyperp that was killed is recognised and its processes killed when the next one starts.
 * What cannot be made (no writable cgroup, a controller missing) is reported, not fatal: the
 * task runs without that limit and the run says so once.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ContainerLimits } from './types.js';
import { startTimeOf } from './watchdog.js';

export interface CgroupHost {
  readonly version: 1 | 2;
  /** Where task cgroups are made, per controller (v2: the same folder for both). */
  readonly memory?: string;
  readonly pids?: string;
  /** Why a controller is not available, for the once-per-run notice. */
  readonly missing: readonly ('memory' | 'pids')[];
  readonly why?: string;
}

interface Mount {
  readonly root: string;
  readonly point: string;
  readonly fstype: string;
  readonly options: readonly string[];
}

/** The cgroup mounts of /proc/self/mountinfo (fields: id parent dev root point opts … - type source superopts). */
const cgroupMounts = (mountinfo: string): Mount[] =>
  mountinfo.split('\n').flatMap((line) => {
    const [left, right] = line.split(' - ');
    if (!left || !right) return [];
    const f = left.split(' ');
    const [fstype, , superOpts] = right.split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') return [];
    const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    return [{ root: unescape(f[3] ?? '/'), point: unescape(f[4] ?? ''), fstype, options: (superOpts ?? '').split(',') }];
  });

/** A cgroup path as the mount shows it: the mount's root is cut off (a cgroup namespace or a bind of a subtree). */
const underMount = (m: Mount, path: string): string | undefined => {
  if (m.root === '/') return join(m.point, path);
  if (path === m.root || path.startsWith(`${m.root}/`)) return join(m.point, path.slice(m.root.length));
  return undefined;
};

const writable = (dir: string): boolean => {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

export interface CgroupSources {
  readonly mountinfo: string;
  /** /proc/self/cgroup */
  readonly selfCgroup: string;
}

const hostSources = (): CgroupSources => ({
  mountinfo: read('/proc/self/mountinfo') ?? '',
  selfCgroup: read('/proc/self/cgroup') ?? '',
});

/** Makes `dir` (v1) and checks that it can hold task cgroups. */
const v1Base = (mounts: Mount[], own: Map<string, string>, controller: 'memory' | 'pids'): string | undefined => {
  const m = mounts.find((x) => x.fstype === 'cgroup' && x.options.includes(controller));
  const path = own.get(controller);
  if (!m || path === undefined) return undefined;
  const at = underMount(m, path);
  if (at === undefined) return undefined;
  const base = join(at, 'hyperp');
  try {
    if (!existsSync(base)) {
      mkdirSync(base);
      // Made by this process: removed when it exits if no task cgroup is left in it, so the
      // cgroup hyperp runs in can itself be removed afterwards (a CI job's, a session's).
      process.once('exit', () => {
        try { rmdirSync(base); } catch { /* still in use, or gone */ }
      });
    }
  } catch {
    return undefined;
  }
  return writable(base) && existsSync(join(base, 'cgroup.procs')) ? base : undefined;
};

/** v2: the parent of hyperp's own cgroup, if it hands memory and pids down and hyperp may write there. */
const v2Base = (mounts: Mount[], own: string): { base?: string; missing: ('memory' | 'pids')[]; why?: string } => {
  const m = mounts.find((x) => x.fstype === 'cgroup2');
  const at = m ? underMount(m, own === '/' ? '/' : dirname(own)) : undefined;
  if (!m || at === undefined) return { missing: ['memory', 'pids'], why: 'no cgroup v2 mount' };
  const available = (read(join(at, 'cgroup.controllers')) ?? '').split(/\s+/);
  const missing = (['memory', 'pids'] as const).filter((c) => !available.includes(c));
  if (missing.length === 2) return { missing, why: 'the cgroup hyperp runs in hands down no memory or pids controller' };
  if (!writable(at)) return { missing: ['memory', 'pids'], why: `${at} is not writable (no delegated cgroup)` };
  const want = (['memory', 'pids'] as const).filter((c) => !missing.includes(c));
  try {
    writeFileSync(join(at, 'cgroup.subtree_control'), want.map((c) => `+${c}`).join(' '));
  } catch (e) {
    return { missing: ['memory', 'pids'], why: `cannot enable ${want.join(' and ')} in ${at}: ${(e as Error).message}` };
  }
  return { base: at, missing };
};

/** What this host lets hyperp do with cgroups. */
export const detectCgroups = (src: CgroupSources = hostSources()): CgroupHost => {
  const mounts = cgroupMounts(src.mountinfo);
  const own = new Map<string, string>();
  let unified: string | undefined;
  for (const line of src.selfCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') unified = m[3]!;
    for (const c of m[2]!.split(',')) if (c) own.set(c, m[3]!);
  }
  if (mounts.some((x) => x.fstype === 'cgroup' && (x.options.includes('memory') || x.options.includes('pids')))) {
    const memory = v1Base(mounts, own, 'memory');
    const pids = v1Base(mounts, own, 'pids');
    const missing = [...(memory ? [] : ['memory' as const]), ...(pids ? [] : ['pids' as const])];
    return { version: 1, ...(memory ? { memory } : {}), ...(pids ? { pids } : {}), missing, ...(missing.length ? { why: 'no writable cgroup' } : {}) };
  }
  if (unified === undefined) return { version: 2, missing: ['memory', 'pids'], why: 'no cgroup' };
  const v2 = v2Base(mounts, unified);
  return {
    version: 2,
    ...(v2.base && !v2.missing.includes('memory') ? { memory: v2.base } : {}),
    ...(v2.base && !v2.missing.includes('pids') ? { pids: v2.base } : {}),
    missing: v2.missing,
    ...(v2.why ? { why: v2.why } : {}),
  };
};

/** The task cgroup's folder name: `<pid>-<start time>-<n>` of the hyperp that made it (v2: with a `hyperp-` prefix). */
const prefix = (host: CgroupHost): string => (host.version === 2 ? 'hyperp-' : '');

const owner = `${process.pid}-${startTimeOf(process.pid) ?? '0'}`;
let counter = 0;

/** SIGKILL to every process in `dir` and its children, until none is left (a fork bomb keeps forking). */
const killAll = (dir: string): void => {
  if (existsSync(join(dir, 'cgroup.kill'))) {
    try {
      writeFileSync(join(dir, 'cgroup.kill'), '1');
      return;
    } catch {
      // fall back to signalling each process
    }
  }
  for (let round = 0; round < 100; round++) {
    const pids = listProcs(dir);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
};

const listProcs = (dir: string): number[] => {
  const own = (read(join(dir, 'cgroup.procs')) ?? '').split('\n').filter((l) => l !== '').map(Number);
  let children: string[] = [];
  try {
    children = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    // gone
  }
  return [...own, ...children.flatMap((c) => listProcs(join(dir, c)))];
};

/** Removes `dir` and its child cgroups (their files are the kernel's; only the folders go). */
const removeCgroup = (dir: string): void => {
  let children: string[] = [];
  try {
    children = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return;
  }
  for (const c of children) removeCgroup(join(dir, c));
  for (let i = 0; i < 50; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (e) {
      // EBUSY while the last killed processes are reaped
      if ((e as NodeJS.ErrnoException).code !== 'EBUSY') return;
      killAll(dir);
    }
  }
};

/**
 * Kills and removes task cgroups of hyperp processes that are gone (killed before they could
 * clean up), so a sandbox that escaped its death signal cannot run on beside a resumed task.
 */
export const removeOrphanCgroups = (host: CgroupHost): void => {
  for (const base of new Set([host.memory, host.pids].filter((b): b is string => b !== undefined))) {
    let names: string[] = [];
    try {
      names = readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = new RegExp(`^${prefix(host)}(\\d+)-(\\d+)-\\d+$`).exec(name);
      if (!m) continue;
      if (startTimeOf(Number(m[1])) === m[2]) continue; // its hyperp still runs
      killAll(join(base, name));
      removeCgroup(join(base, name));
    }
  }
};

export interface ContainerCgroup {
  /** `cgroup.procs` files the container's launcher writes its pid into. */
  readonly procs: readonly string[];
  /** Whether the kernel killed a process of the container for going over its memory (its own or its task's). */
  readonly oomKilled: () => boolean;
  readonly kill: () => void;
}

export interface TaskCgroups {
  readonly container: (index: number, limits: ContainerLimits) => ContainerCgroup;
  /** Kills what is left and removes the task's cgroups. */
  readonly remove: () => void;
}

const MiB = 1024 * 1024;

const oomKills = (dir: string, version: 1 | 2): number => {
  const text = read(join(dir, version === 1 ? 'memory.oom_control' : 'memory.events')) ?? '';
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
};

/** Writes `value` to a cgroup file; false when the kernel refused it. */
const set = (dir: string, file: string, value: string): boolean => {
  try {
    writeFileSync(join(dir, file), value);
    return true;
  } catch {
    return false;
  }
};

/** The cgroups of one task (memory: the task's; each container: its own memory and pids). */
export const taskCgroups = (host: CgroupHost, taskMemoryMiB: number): TaskCgroups => {
  const name = `${prefix(host)}${owner}-${++counter}`;
  const made: string[] = [];
  const taskDir = (base: string): string => {
    const dir = join(base, name);
    if (!made.includes(dir)) {
      // v1: `base` is shared by the hyperp processes of one cgroup, and the one that made it
      // removes it when it exits with none of its tasks left there: make it again if so.
      mkdirSync(dir, { recursive: host.version === 1 });
      made.push(dir);
      // v2 hands the controllers down to the containers' cgroups.
      if (host.version === 2) set(dir, 'cgroup.subtree_control', host.missing.length ? `+${host.memory ? 'memory' : 'pids'}` : '+memory +pids');
    }
    return dir;
  };
  const memoryMax = (dir: string, mib: number) => {
    if (host.version === 1) {
      set(dir, 'memory.limit_in_bytes', String(mib * MiB));
      // No swapping past the limit (Fargate has no swap); absent without swap accounting.
      set(dir, 'memory.memsw.limit_in_bytes', String(mib * MiB));
    } else {
      set(dir, 'memory.max', String(mib * MiB));
      set(dir, 'memory.swap.max', '0');
    }
  };
  if (host.memory) memoryMax(taskDir(host.memory), taskMemoryMiB);
  if (host.pids) taskDir(host.pids);

  const container = (index: number, limits: ContainerLimits): ContainerCgroup => {
    const dirs: string[] = [];
    let memDir: string | undefined;
    if (host.memory) {
      memDir = join(taskDir(host.memory), `c${index}`);
      mkdirSync(memDir, { recursive: true });
      memoryMax(memDir, limits.memoryMiB);
      // v2: an out-of-memory kill takes the whole container, as ECS stops the container.
      if (host.version === 2) set(memDir, 'memory.oom.group', '1');
      dirs.push(memDir);
    }
    if (host.pids) {
      const dir = join(taskDir(host.pids), `c${index}`);
      mkdirSync(dir, { recursive: true });
      set(dir, 'pids.max', String(limits.pids));
      if (!dirs.includes(dir)) dirs.push(dir);
    }
    return {
      procs: dirs.map((d) => join(d, 'cgroup.procs')),
      // The kernel counts a kill in the victim's cgroup, whichever limit (container or task) it hit.
      oomKilled: () => memDir !== undefined && oomKills(memDir, host.version) > 0,
      kill: () => dirs.forEach(killAll),
    };
  };
  const remove = () => {
    for (const dir of made) {
      killAll(dir);
      removeCgroup(dir);
    }
  };
  return { container, remove };
};

/** The limits a host with these cgroups cannot enforce, as phrases for the once-per-run notice. */
export const unenforced = (host: CgroupHost): string[] =>
  host.missing.map((c) => `${c === 'memory' ? 'memory' : 'process count'} (${host.why ?? 'no cgroup'})`);
