/**
 * The file system of a process-engine sandbox as data: layers stacked as Docker stacks an
 * image's layers, merged into an ordered list of mount operations that a sandbox backend
 * (bubblewrap's arguments in `sandbox.ts`, or another) carries out. Pure: listing a folder is
 * a function the caller passes in, and only folders that two layers both hold are listed, so
 * the cost follows the image's files, not the host's.
 *
 * Layers, bottom first: the host's system folders (read-only), the image's files (a private,
 * writable copy), the task's runtime mounts (`/proc`, `/dev`, `/tmp`, `/output`, `/input/…`).
 * At each path the top layer decides:
 *  - a folder over folders merges with them: a folder held by one layer alone is bound whole;
 *    one held by several is made empty and filled, entry by entry, from each (the upper layer
 *    wins an entry both hold), recursively;
 *  - anything else (a file, a link, a runtime mount) hides what lies below, as a volume or an
 *    upper layer's file does in Docker.
 * A merged folder holding more than `MANY` entries of a layer that offers a `reach` (the
 * host's: an image file put into /usr/bin) would take a mount per entry, and mounts get slower
 * the more there are (about 5 s for 1,100): that layer's entries become links into a hidden
 * read-only bind of the folder's top (`/.hyperp-host/usr/bin/python3`), made when first needed.
 *
 * Contract of the plan, for every backend that renders it:
 *  - the sandbox's root starts as an empty, writable tmpfs; operations run in order;
 *  - every `path` is absolute and normalised (no `.`, `..`, `//`); its parent is the root or a
 *    `Dir` made earlier in the plan, so no component of a path is a link, a mount, or anything
 *    an image or job could have placed: a backend creates each mount point fresh, never
 *    following anything (the one exception: a `Bind` with `under` lies below an earlier runtime
 *    bind — a task volume inside another — and its mount point is made inside that bind);
 *  - `Bind.source` is a host path of the given `kind`: image sources were `lstat`ed folder by
 *    folder and hold no link; host sources are the host's own system paths (links there are
 *    the host's and are resolved, as the host would); binds are recursive, and read-only ones
 *    are read-only all the way down;
 *  - a `Symlink` is created with its target text as is: it is resolved inside the sandbox by
 *    the job, never on the host (an image's own links, or links into `HIDDEN_ROOT`);
 *  - no layer's entry is named `HIDDEN_ROOT` at the root: the plan drops one;
 *  - no operation mounts over another: each path appears once.
 */

export type MountOp =
  /** An empty folder (0755) in the root or in a folder the plan made. */
  | { readonly _tag: 'Dir'; readonly path: string }
  /** A host folder or file at `path` (recursively). */
  | { readonly _tag: 'Bind'; readonly source: string; readonly path: string; readonly kind: 'dir' | 'file'; readonly readOnly: boolean; readonly under?: string }
  /** A symbolic link whose text is `target`. */
  | { readonly _tag: 'Symlink'; readonly target: string; readonly path: string }
  | { readonly _tag: 'Proc'; readonly path: string }
  /** A minimal /dev (null, zero, full, random, urandom, tty, pts, shm), as bubblewrap's `--dev`. */
  | { readonly _tag: 'Dev'; readonly path: string }
  | { readonly _tag: 'Tmpfs'; readonly path: string; readonly sizeBytes: number };

/** Where the plan keeps host folders whose entries a merged folder shows as links. */
export const HIDDEN_ROOT = '/.hyperp-host';

/** Entries of one layer a merged folder takes as mounts; past this, as links (`reach`). */
export const MANY = 64;

/**
 * Where a folder's entries can be reached as well: `path`, inside the read-only bind of
 * `mount.source` at `mount.path` (under HIDDEN_ROOT) that the plan makes when it first needs it.
 */
export interface Reach {
  readonly path: string;
  readonly mount: { readonly source: string; readonly path: string };
}

/** What one layer holds at a path. */
export type LayerNode =
  /** A folder: bound whole from `bind` when no other layer holds it, else merged entry by entry. */
  | {
    readonly _tag: 'Dir'; readonly bind?: { readonly source: string; readonly readOnly: boolean }; readonly children: () => ReadonlyMap<string, LayerNode>;
    readonly reach?: Reach;
  }
  /** A file, link or mount: hides whatever the layers below hold at its path. */
  | { readonly _tag: 'Opaque'; readonly op: OpaqueOp; readonly over?: readonly { readonly rel: string; readonly op: OpaqueOp }[] };

/** An operation without its path; `over` of an opaque node: mounts inside it (paths relative to it), in order. */
export type OpaqueOp =
  | Omit<Extract<MountOp, { _tag: 'Bind' }>, 'path' | 'under'>
  | Omit<Extract<MountOp, { _tag: 'Symlink' }>, 'path'>
  | Omit<Extract<MountOp, { _tag: 'Proc' }>, 'path'>
  | Omit<Extract<MountOp, { _tag: 'Dev' }>, 'path'>
  | Omit<Extract<MountOp, { _tag: 'Tmpfs' }>, 'path'>;

/** A folder of no layer's own, holding `children` (the root, `/etc` of the host layer, `/input`). */
export const virtualDir = (children: ReadonlyMap<string, LayerNode>): LayerNode => ({ _tag: 'Dir', children: () => children });

const at = (parent: string, name: string): string => (parent === '/' ? `/${name}` : `${parent}/${name}`);

/** `op` at `path`, then the mounts asked for inside it, their mount points made inside it. */
const emitOpaque = (node: Extract<LayerNode, { _tag: 'Opaque' }>, path: string, out: MountOp[]): void => {
  out.push({ ...node.op, path } as MountOp);
  for (const o of node.over ?? []) out.push({ ...o.op, path: at(path, o.rel), ...(o.op._tag === 'Bind' ? { under: path } : {}) } as MountOp);
};

interface PlanState {
  readonly out: MountOp[];
  /** Folders made and hidden binds mounted so far (under HIDDEN_ROOT). */
  readonly hidden: Set<string>;
}

/** The hidden bind of `reach`, made the first time a link points into it. */
const useReach = (reach: Reach, st: PlanState): void => {
  if (!st.hidden.has(HIDDEN_ROOT)) {
    st.out.push({ _tag: 'Dir', path: HIDDEN_ROOT });
    st.hidden.add(HIDDEN_ROOT);
  }
  const { source, path } = reach.mount;
  if (st.hidden.has(path)) return;
  const segs = path.slice(HIDDEN_ROOT.length + 1).split('/');
  for (let i = 1; i < segs.length; i++) {
    const dir = `${HIDDEN_ROOT}/${segs.slice(0, i).join('/')}`;
    if (st.hidden.has(dir)) continue;
    st.out.push({ _tag: 'Dir', path: dir });
    st.hidden.add(dir);
  }
  st.out.push({ _tag: 'Bind', source, path, kind: 'dir', readOnly: true });
  st.hidden.add(path);
};

const place = (path: string, stack: readonly LayerNode[], st: PlanState): void => {
  const top = stack[0]!;
  if (top._tag === 'Opaque') {
    emitOpaque(top, path, st.out);
    return;
  }
  // Folders merge down to the first layer that holds something else there (which hides the rest).
  const end = stack.findIndex((n) => n._tag !== 'Dir');
  const dirs = (end < 0 ? stack : stack.slice(0, end)) as readonly Extract<LayerNode, { _tag: 'Dir' }>[];
  const bound = dirs.filter((d) => d.bind !== undefined);
  const virtualFull = dirs.some((d) => d.bind === undefined && d.children().size > 0);
  if (bound.length === 1 && !virtualFull && path !== '/') {
    const b = bound[0]!.bind!;
    st.out.push({ _tag: 'Bind', source: b.source, path, kind: 'dir', readOnly: b.readOnly });
    return;
  }
  if (path !== '/') st.out.push({ _tag: 'Dir', path });
  const names = new Map<string, { stack: LayerNode[]; reach?: Reach }>();
  for (const d of dirs) {
    const children = d.children();
    const reach = d.reach !== undefined && children.size > MANY ? d.reach : undefined;
    for (const [name, child] of children) {
      if (path === '/' && `/${name}` === HIDDEN_ROOT) continue;
      const entry = names.get(name);
      if (entry === undefined) names.set(name, { stack: [child], ...(reach ? { reach } : {}) });
      else entry.stack.push(child);
    }
  }
  for (const name of [...names.keys()].sort()) {
    const { stack: below, reach } = names.get(name)!;
    if (reach !== undefined && below.length === 1) {
      useReach(reach, st);
      st.out.push({ _tag: 'Symlink', target: at(reach.path, name), path: at(path, name) });
    } else place(at(path, name), below, st);
  }
};

/** The mount plan of `layers` (bottom first), each the layer's root folder. */
export const planMounts = (layers: readonly LayerNode[]): MountOp[] => {
  const st: PlanState = { out: [], hidden: new Set() };
  place('/', [...layers].reverse(), st);
  return st.out;
};
