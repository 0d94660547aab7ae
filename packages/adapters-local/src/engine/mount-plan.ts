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
 *    the job, never on the host;
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

/** What one layer holds at a path. */
export type LayerNode =
  /** A folder: bound whole from `bind` when no other layer holds it, else merged entry by entry. */
  | { readonly _tag: 'Dir'; readonly bind?: { readonly source: string; readonly readOnly: boolean }; readonly children: () => ReadonlyMap<string, LayerNode> }
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

const place = (path: string, stack: readonly LayerNode[], out: MountOp[]): void => {
  const top = stack[0]!;
  if (top._tag === 'Opaque') {
    emitOpaque(top, path, out);
    return;
  }
  // Folders merge down to the first layer that holds something else there (which hides the rest).
  const end = stack.findIndex((n) => n._tag !== 'Dir');
  const dirs = (end < 0 ? stack : stack.slice(0, end)) as readonly Extract<LayerNode, { _tag: 'Dir' }>[];
  const bound = dirs.filter((d) => d.bind !== undefined);
  const virtualFull = dirs.some((d) => d.bind === undefined && d.children().size > 0);
  if (bound.length === 1 && !virtualFull && path !== '/') {
    const b = bound[0]!.bind!;
    out.push({ _tag: 'Bind', source: b.source, path, kind: 'dir', readOnly: b.readOnly });
    return;
  }
  if (path !== '/') out.push({ _tag: 'Dir', path });
  const names = new Map<string, LayerNode[]>();
  for (const d of dirs) {
    for (const [name, child] of d.children()) {
      const list = names.get(name);
      if (list === undefined) names.set(name, [child]);
      else list.push(child);
    }
  }
  for (const name of [...names.keys()].sort()) place(at(path, name), names.get(name)!, out);
};

/** The mount plan of `layers` (bottom first), each the layer's root folder. */
export const planMounts = (layers: readonly LayerNode[]): MountOp[] => {
  const out: MountOp[] = [];
  place('/', [...layers].reverse(), out);
  return out;
};
