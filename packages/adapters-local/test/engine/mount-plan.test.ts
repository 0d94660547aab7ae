import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sandboxMounts, bwrapMountArgs, type SandboxFs, type SandboxSpec } from '../../src/engine/sandbox.js';
import { MANY, type MountOp } from '../../src/engine/mount-plan.js';

/** A file system as data: a folder is an object, a file 'f', a link `-> target`. */
type Tree = { readonly [name: string]: Tree | 'f' | `-> ${string}` };

const fakeFs = (tree: Tree): SandboxFs => {
  const find = (path: string): Tree | 'f' | `-> ${string}` | undefined => {
    let at: Tree | 'f' | `-> ${string}` | undefined = tree;
    for (const s of path.split('/').filter((x) => x !== '')) at = typeof at === 'object' ? at[s] : undefined;
    return at;
  };
  return {
    list: (dir) => {
      const t = find(dir);
      return typeof t !== 'object' ? [] : Object.entries(t).map(([name, v]) =>
        typeof v === 'object' ? { name, kind: 'dir' as const } : v === 'f' ? { name, kind: 'file' as const } : { name, kind: 'link' as const, target: v.slice(3) });
    },
    // The host's own top-level links resolve (merged /usr): /bin -> usr/bin.
    hostKind: (path) => {
      const t = find(path.replace(/^\/bin\b/, '/usr/bin'));
      return typeof t === 'object' ? 'dir' : t === 'f' ? 'file' : undefined;
    },
  };
};

const HOST: Tree = {
  usr: { bin: { python3: 'f', sh: 'f' }, lib: { 'libc.so': 'f' }, local: { bin: { tool: 'f' }, share: {} }, src: {}, lib64: '-> lib' },
  bin: '-> usr/bin',
  etc: { passwd: 'f', group: 'f', 'ld.so.cache': 'f', ssl: { certs: {} }, shadow: 'f' },
};

const spec = (image: Tree, over: Partial<SandboxSpec> = {}): [SandboxSpec, SandboxFs] => [{
  imageRoot: '/img', workdir: '/', argv: ['true'], env: {}, network: false, tmpMiB: 1, marker: 'M',
  binds: [{ host: '/a/out', sandbox: '/output', readOnly: false }, { host: '/a/in', sandbox: '/input/first job', readOnly: true }],
  ...over,
}, fakeFs({ ...HOST, img: image })];

const RUNTIME_AND_HOST_ETC: MountOp[] = [
  { _tag: 'Dir', path: '/etc' },
  { _tag: 'Bind', source: '/etc/group', path: '/etc/group', kind: 'file', readOnly: true },
  { _tag: 'Bind', source: '/etc/ld.so.cache', path: '/etc/ld.so.cache', kind: 'file', readOnly: true },
  { _tag: 'Bind', source: '/etc/passwd', path: '/etc/passwd', kind: 'file', readOnly: true },
  { _tag: 'Bind', source: '/etc/ssl', path: '/etc/ssl', kind: 'dir', readOnly: true },
];

const plan = suite('mount plan');

plan('an image that holds nothing the host shows: host folders read-only and image folders writable, each bound whole', () => {
  assert.equal(sandboxMounts(...spec({ app: { 'main.py': 'f' }, 'setup.cfg': 'f' })), [
    { _tag: 'Bind', source: '/img/app', path: '/app', kind: 'dir', readOnly: false },
    { _tag: 'Bind', source: '/bin', path: '/bin', kind: 'dir', readOnly: true },
    { _tag: 'Dev', path: '/dev' },
    ...RUNTIME_AND_HOST_ETC,
    { _tag: 'Dir', path: '/input' },
    { _tag: 'Bind', source: '/a/in', path: '/input/first job', kind: 'dir', readOnly: true },
    { _tag: 'Bind', source: '/a/out', path: '/output', kind: 'dir', readOnly: false },
    { _tag: 'Proc', path: '/proc' },
    { _tag: 'Dir', path: '/root' },
    { _tag: 'Bind', source: '/img/setup.cfg', path: '/setup.cfg', kind: 'file', readOnly: false },
    { _tag: 'Tmpfs', path: '/tmp', sizeBytes: 1048576 },
    { _tag: 'Bind', source: '/usr', path: '/usr', kind: 'dir', readOnly: true },
  ]);
});

plan('image files under /usr are laid over the host\'s: only the folders both hold are merged, entry by entry', () => {
  const ops = sandboxMounts(...spec({ usr: { src: { app: { 'main.py': 'f' } }, local: { bin: { 'entrypoint.sh': 'f', tool: 'f' } } } }));
  assert.equal(ops.filter((o) => o.path === '/usr' || o.path.startsWith('/usr/')), [
    { _tag: 'Dir', path: '/usr' },
    { _tag: 'Bind', source: '/usr/bin', path: '/usr/bin', kind: 'dir', readOnly: true },
    { _tag: 'Bind', source: '/usr/lib', path: '/usr/lib', kind: 'dir', readOnly: true },
    { _tag: 'Symlink', target: 'lib', path: '/usr/lib64' },
    { _tag: 'Dir', path: '/usr/local' },
    { _tag: 'Dir', path: '/usr/local/bin' },
    { _tag: 'Bind', source: '/img/usr/local/bin/entrypoint.sh', path: '/usr/local/bin/entrypoint.sh', kind: 'file', readOnly: false },
    // the image's file wins over the host's of the same name, as an upper layer's does
    { _tag: 'Bind', source: '/img/usr/local/bin/tool', path: '/usr/local/bin/tool', kind: 'file', readOnly: false },
    { _tag: 'Bind', source: '/usr/local/share', path: '/usr/local/share', kind: 'dir', readOnly: true },
    { _tag: 'Dir', path: '/usr/src' },
    { _tag: 'Bind', source: '/img/usr/src/app', path: '/usr/src/app', kind: 'dir', readOnly: false },
  ]);
});

plan('an image link is made as a link in the sandbox, never a bind of what it points to; an image file hides the host\'s folder', () => {
  const ops = sandboxMounts(...spec({
    usr: { local: { bin: '-> /etc', sbin: '-> ../../..', share: 'f' } },
    etc: { 'passwd': 'f', 'x': '-> ../../../../root/.ssh' },
  }));
  assert.equal(ops.filter((o) => /^\/(usr\/local|etc)\//.test(o.path)), [
    { _tag: 'Bind', source: '/etc/group', path: '/etc/group', kind: 'file', readOnly: true },
    { _tag: 'Bind', source: '/etc/ld.so.cache', path: '/etc/ld.so.cache', kind: 'file', readOnly: true },
    { _tag: 'Bind', source: '/img/etc/passwd', path: '/etc/passwd', kind: 'file', readOnly: false },
    { _tag: 'Bind', source: '/etc/ssl', path: '/etc/ssl', kind: 'dir', readOnly: true },
    { _tag: 'Symlink', target: '../../../../root/.ssh', path: '/etc/x' },
    { _tag: 'Symlink', target: '/etc', path: '/usr/local/bin' },
    { _tag: 'Symlink', target: '../../..', path: '/usr/local/sbin' },
    { _tag: 'Bind', source: '/img/usr/local/share', path: '/usr/local/share', kind: 'file', readOnly: false },
  ]);
});

plan('contract: each path once, its parent the root or a folder made before it; no bind source passes through an image link', () => {
  const [s, fs] = spec({ usr: { local: { bin: '-> /etc' }, src: { app: { x: 'f' } } }, output: { planted: '-> /etc' }, input: { 'first job': 'f' }, tmp: { a: 'f' } });
  const ops = sandboxMounts({ ...s, binds: [...s.binds, { host: '/a/v', sandbox: '/data', readOnly: false }, { host: '/a/w', sandbox: '/data/sub', readOnly: true }] }, fs);
  const made = new Set(['/']);
  const seen = new Set<string>();
  for (const op of ops) {
    assert.not.ok(seen.has(op.path), `${op.path} twice`);
    seen.add(op.path);
    const parent = op.path.slice(0, op.path.lastIndexOf('/')) || '/';
    if (op._tag === 'Bind' && op.under !== undefined) assert.ok(op.path.startsWith(`${op.under}/`) && seen.has(op.under), op.path);
    else assert.ok(made.has(parent), `${op.path}: its parent was not made by the plan`);
    if (op._tag === 'Dir') made.add(op.path);
    if (op._tag === 'Bind') assert.not.ok(/^\/img\/(usr\/local\/bin|output\/planted)/.test(op.source), op.source);
  }
  // runtime mounts hide the image's files at their paths, as volumes do
  assert.equal(ops.filter((o) => /^\/(output|input|tmp|data)/.test(o.path)), [
    { _tag: 'Bind', source: '/a/v', path: '/data', kind: 'dir', readOnly: false },
    { _tag: 'Bind', source: '/a/w', path: '/data/sub', kind: 'dir', readOnly: true, under: '/data' },
    { _tag: 'Dir', path: '/input' },
    { _tag: 'Bind', source: '/a/in', path: '/input/first job', kind: 'dir', readOnly: true },
    { _tag: 'Bind', source: '/a/out', path: '/output', kind: 'dir', readOnly: false },
    { _tag: 'Tmpfs', path: '/tmp', sizeBytes: 1048576 },
  ]);
});

plan(`a merged folder of more than ${MANY} host entries shows them as links into one hidden read-only bind of its top folder`, () => {
  const many: Tree = Object.fromEntries(Array.from({ length: MANY + 1 }, (_, i) => [`p${String(i).padStart(2, '0')}`, 'f']));
  const [s] = spec({ usr: { bin: { 'tool.sh': 'f' } } });
  const ops = sandboxMounts(s, fakeFs({ ...HOST, usr: { ...(HOST['usr'] as Tree), bin: many }, img: { usr: { bin: { 'tool.sh': 'f' } } } }));
  assert.equal(ops.filter((o) => o._tag !== 'Symlink' && /^\/(usr\/bin|\.hyperp-host)/.test(o.path)), [
    { _tag: 'Dir', path: '/usr/bin' },
    { _tag: 'Dir', path: '/.hyperp-host' },
    { _tag: 'Bind', source: '/usr', path: '/.hyperp-host/usr', kind: 'dir', readOnly: true },
    { _tag: 'Bind', source: '/img/usr/bin/tool.sh', path: '/usr/bin/tool.sh', kind: 'file', readOnly: false },
  ]);
  const links = ops.filter((o) => o._tag === 'Symlink' && o.path.startsWith('/usr/bin/'));
  assert.equal(links.length, MANY + 1);
  assert.equal(links[0], { _tag: 'Symlink', target: '/.hyperp-host/usr/bin/p00', path: '/usr/bin/p00' });
  // an image cannot take the hidden folder's name
  assert.not.ok(sandboxMounts(s, fakeFs({ ...HOST, img: { '.hyperp-host': { x: 'f' } } })).some((o) => o._tag === 'Bind' && o.source.startsWith('/img/.hyperp-host')));
});

plan('bubblewrap renders each operation', () => {
  assert.equal(bwrapMountArgs([
    { _tag: 'Dir', path: '/usr' },
    { _tag: 'Bind', source: '/usr/bin', path: '/usr/bin', kind: 'dir', readOnly: true },
    { _tag: 'Bind', source: '/img/app', path: '/app', kind: 'dir', readOnly: false },
    { _tag: 'Symlink', target: '/etc', path: '/usr/local' },
    { _tag: 'Proc', path: '/proc' },
    { _tag: 'Dev', path: '/dev' },
    { _tag: 'Tmpfs', path: '/tmp', sizeBytes: 1024 },
  ]), ['--dir', '/usr', '--ro-bind', '/usr/bin', '/usr/bin', '--bind', '/img/app', '/app', '--symlink', '/etc', '/usr/local', '--proc', '/proc', '--dev', '/dev', '--perms', '1777', '--size', '1024', '--tmpfs', '/tmp']);
});

plan.run();
