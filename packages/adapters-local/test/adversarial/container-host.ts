// What the docker and podman sandbox suites need from the machine: a daemon that answers (or a
// loud failure that says why: CI installs both, .ci/run), and a base image made here, since no
// registry is reached: Debian's static busybox as the whole root file system, imported once.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, copyFileSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../temp.js';

export type Cli = 'docker' | 'podman';

/** Fails with the engine's own words when it cannot run containers here. */
export const requireEngine = (cli: Cli, what = 'its sandbox suite'): void => {
  const r = spawnSync(cli, ['info'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0) return;
  const why = r.error ? String(r.error.message) : (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ');
  throw new Error(
    `the ${cli} engine cannot run containers on this machine, so ${what} cannot run: ${why}. ` +
    `.ci/run installs docker.io, podman, catatonit and busybox-static and starts dockerd; do the same here (as root).`,
  );
};

const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));

/** Whether a 64-bit ELF program needs no dynamic loader (no PT_INTERP program header). */
const isStatic = (path: string): boolean => {
  const elf = readFileSync(path);
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return false;
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const size = elf.readUInt16LE(0x36);
  const count = elf.readUInt16LE(0x38);
  for (let i = 0; i < count; i++) if (elf.readUInt32LE(phoff + i * size) === 3) return false;
  return true;
};

/** Changes whenever the root file system below changes, so a stale image is never reused. */
const LAYOUT = 'bin tmp etc root app usr/bin; passwd, group; PATH=/bin';

/** `hyperp-test/busybox:<hash of the layout and busybox>`, imported into `cli` unless it is there. */
export const baseImage = (cli: Cli): string => {
  if (!BUSYBOX || !isStatic(BUSYBOX)) {
    throw new Error('a static busybox is needed to make the test image (Debian: apt-get install busybox-static)');
  }
  const tag = `hyperp-test/busybox:${createHash('sha256').update(LAYOUT).update(readFileSync(BUSYBOX)).digest('hex').slice(0, 12)}`;
  if (spawnSync(cli, ['image', 'inspect', tag], { stdio: 'ignore' }).status === 0) return tag;
  const root = join(tempDir('hyperp-rootfs-'), 'rootfs');
  for (const d of ['bin', 'tmp', 'etc', 'root', 'app', 'usr/bin']) mkdirSync(join(root, d), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
  chmodSync(join(root, 'bin', 'busybox'), 0o755);
  for (const applet of execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n')) {
    if (applet !== '' && applet !== 'busybox') symlinkSync('busybox', join(root, 'bin', applet));
  }
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n');
  writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 64 << 20 });
  const imp = spawnSync(cli, ['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["sh"]', '-', tag], { input: tar.stdout, encoding: 'utf8' });
  if (imp.status !== 0) throw new Error(`${cli} import of the test image failed: ${imp.stderr}`);
  return tag;
};
