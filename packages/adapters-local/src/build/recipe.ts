/**
 * What the process engine takes from a Dockerfile: the files to copy from the build context and
 * the runtime settings of the final stage. Parsed with `dockerfile-ast` (the parser VS Code's
 * Docker support uses). RUN steps are listed, not executed: the host provides the runtime.
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';

export interface CopyStep {
  /** Context-relative sources as written (may hold globs). */
  readonly sources: readonly string[];
  /** Destination inside the image, resolved against the WORKDIR in effect. */
  readonly dest: string;
  /** 1-based line in the Dockerfile, for messages. */
  readonly line: number;
}

export interface ImageRecipe {
  readonly baseImage: string;
  readonly copies: readonly CopyStep[];
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  /** Exec form as given; a shell-form value becomes `['/bin/sh', '-c', text]` as Docker does. */
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** RUN steps of the final stage that the process engine did not execute. */
  readonly skippedRuns: readonly string[];
  /** Things of the Dockerfile the process engine cannot honour (COPY --from, ADD of a URL…). */
  readonly warnings: readonly string[];
  /** The stage's last `USER` (`name[:group]`, `uid[:gid]`), resolved when the image is laid out. */
  readonly user?: { readonly spec: string; readonly line: number };
}

export type RecipeResult =
  | { readonly _tag: 'Recipe'; readonly recipe: ImageRecipe }
  | { readonly _tag: 'RecipeError'; readonly message: string };

const posixJoin = (base: string, p: string): string => {
  const parts = (p.startsWith('/') ? p : `${base}/${p}`).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
};

/** `["a", "b"]` when the instruction uses the JSON (exec) form, otherwise undefined. */
const jsonForm = (i: Instruction): string[] | undefined => {
  const content = i.getArgumentsContent()?.trim() ?? '';
  if (!content.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(content);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // not valid JSON: Docker then treats the text as shell form
  }
  return undefined;
};

const commandOf = (i: Instruction): string[] => jsonForm(i) ?? ['/bin/sh', '-c', i.getArgumentsContent() ?? ''];

/** Expands `$VAR` and `${VAR}` from ARG/ENV values known so far (Docker's build-time substitution). */
const expand = (text: string, vars: Readonly<Record<string, string>>): string => {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '$') { out += '$'; i++; continue; }
    if (c !== '$') { out += c; continue; }
    const braced = text[i + 1] === '{';
    let j = braced ? i + 2 : i + 1;
    let name = '';
    while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) name += text[j++];
    if (name === '') { out += c; continue; }
    if (braced) {
      // ${VAR:-default} and ${VAR:+alt} are rare in the files hyperp sees; keep the plain form.
      const close = text.indexOf('}', j);
      if (close < 0) { out += text.slice(i); break; }
      j = close + 1;
    }
    out += vars[name] ?? '';
    i = j - 1;
  }
  return out;
};

export const parseRecipe = (dockerfile: string): RecipeResult => {
  const doc = DockerfileParser.parse(dockerfile);
  const instructions = doc.getInstructions();
  const froms = instructions.filter((i) => i.getKeyword() === 'FROM');
  if (froms.length === 0) return { _tag: 'RecipeError', message: 'the Dockerfile has no FROM instruction' };
  const lastFrom = froms[froms.length - 1]!;
  const stageStart = instructions.indexOf(lastFrom);
  const warnings: string[] = [];
  if (froms.length > 1) warnings.push('multi-stage build: only the final stage is laid out');

  const args: Record<string, string> = {};
  // ARGs before the first FROM are visible to FROM lines only; ARGs in the stage to the rest.
  let workdir = '/';
  const env: Record<string, string> = {};
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  let cmdSet = false;
  const copies: CopyStep[] = [];
  const skippedRuns: string[] = [];
  let user: ImageRecipe['user'];
  const baseImage = expand(lastFrom.getArguments()[0]?.getValue() ?? '', args);

  for (const ins of instructions.slice(stageStart + 1)) {
    const line = ins.getRange().start.line + 1;
    const vars = { ...args, ...env };
    switch (ins.getKeyword()) {
      case 'ARG':
        for (const a of ins.getArguments()) {
          const [name, ...rest] = a.getValue().split('=');
          if (name) args[name] = rest.length > 0 ? expand(rest.join('='), vars) : (args[name] ?? '');
        }
        break;
      case 'ENV':
        for (const p of (ins as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()) {
          env[p.getName()] = expand(p.getValue() ?? '', vars);
        }
        break;
      case 'WORKDIR':
        workdir = posixJoin(workdir, expand(ins.getArgumentsContent()?.trim() ?? '', vars));
        break;
      case 'COPY':
      case 'ADD': {
        const flags = (ins as unknown as { getFlags(): { getName(): string }[] }).getFlags().map((f) => f.getName());
        if (flags.includes('from')) {
          warnings.push(`line ${line}: ${ins.getKeyword()} --from copies from another stage or image; skipped`);
          break;
        }
        const parts = (jsonForm(ins) ?? ins.getArguments().map((a) => a.getValue())).map((p) => expand(p, vars));
        if (parts.length < 2) return { _tag: 'RecipeError', message: `line ${line}: ${ins.getKeyword()} needs a source and a destination` };
        const sources = parts.slice(0, -1);
        const remote = sources.filter((s) => /^[a-z]+:\/\//.test(s));
        if (remote.length > 0) warnings.push(`line ${line}: ADD of ${remote.join(', ')} is not fetched`);
        const rawDest = parts[parts.length - 1]!;
        // A destination written as a directory ("dir/", ".", "..") receives files by their names.
        const asDir = rawDest.endsWith('/') || /(^|\/)\.\.?$/.test(rawDest);
        const resolved = posixJoin(workdir, rawDest);
        const dest = asDir && resolved !== '/' ? `${resolved}/` : resolved;
        copies.push({ sources: sources.filter((s) => !remote.includes(s)), dest, line });
        break;
      }
      case 'ENTRYPOINT':
        entrypoint = commandOf(ins);
        // Docker: ENTRYPOINT resets a CMD inherited from the base image, not one set in this stage.
        if (!cmdSet) cmd = [];
        break;
      case 'CMD':
        cmd = commandOf(ins);
        cmdSet = true;
        break;
      case 'USER': {
        // As Docker: the last one wins, and it holds for the command the image runs.
        const spec = expand(ins.getArgumentsContent()?.trim() ?? '', vars);
        if (spec === '') return { _tag: 'RecipeError', message: `line ${line}: USER needs a user name or uid` };
        user = { spec, line };
        break;
      }
      case 'RUN':
        skippedRuns.push(ins.getArgumentsContent() ?? '');
        break;
      default:
        break;
    }
  }
  return { _tag: 'Recipe', recipe: { baseImage, copies, workdir, env, entrypoint, cmd, skippedRuns, warnings, ...(user ? { user } : {}) } };
};
