/**
 * Bounds on what a repository hands hyperp: sizes, counts and nesting far above what a real
 * workflow reaches, and far below what makes validation, a run's event log or the run's first
 * event fail or balloon. Sizes are checked before a file is parsed (from the listing when the
 * snapshot knows them, else from the text), nesting before the parser sees the text, so a
 * hostile file costs a linear scan. Whatever passes `validate` can be written to the event log.
 */
import { Lexer } from 'yaml';
import type { SourcePosition } from './source.js';

export const inputBounds = {
  /**
   * ECS refuses a task definition over 64 KiB (Amazon ECS service quotas, "task definition
   * size", 64 KiB, not adjustable; read 2026-12). Said by `validate`, it is said before a push.
   */
  taskDefinitionBytes: 64 * 1024,
  /**
   * Every run carries its workflow and the task definitions of its jobs in its first event, one
   * DynamoDB item on AWS (400 KB per item, DynamoDB service quotas; read 2026-11; `body.ts`
   * gzips large bodies and spills them to S3 above 350 KB compressed). Real workflows carry a
   * few KB; 1 MiB of task definitions is dozens of large jobs.
   */
  taskDefinitionBytesPerWorkflow: 1024 * 1024,
  /** A workflow file: real ones are a few KB; 500 jobs of ~500 bytes each fit in 256 KiB. */
  workflowFileBytes: 256 * 1024,
  /** Jobs of one workflow: far beyond any DAG people draw; the run's state grows with them. */
  jobsPerWorkflow: 500,
  /** Workflow files of one repository: each is read and checked on every push. */
  workflowFiles: 100,
  /**
   * Levels of nesting (mappings, lists, flow brackets): real task definitions reach 6
   * (`containerDefinitions[].linuxParameters.devices[].permissions[]`), workflows 4. JSON
   * writers and YAML parsers recurse per level and fail in the thousands (`Maximum call stack
   * size exceeded` in the event-log writer at about 4,000).
   */
  nestingDepth: 32,
} as const;

/** Bytes of the UTF-8 form of `text`, counted without building it. */
export const utf8Bytes = (text: string): number => {
  let n = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && k + 1 < text.length && (text.charCodeAt(k + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      k++;
    } else n += 3;
  }
  return n;
};

/** "50.0 MiB", "70.2 KiB", "812 bytes". */
export const formatBytes = (n: number): string =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;

// Tokens of yaml's lexer that mark a token's kind and are not text of the source.
const MARKERS = new Set(['\u0002', '\u0018', '\u001f']);

/**
 * Where `text` (YAML, or JSON, which is YAML's flow style) first nests deeper than `max`
 * levels, or undefined. Counts, on yaml's lexer (linear, no recursion, quotes and block
 * scalars understood): flow brackets, block indentation levels, and `-` / `?` items that
 * open on one line. A JSON file's count is its exact depth; for block YAML a level may be
 * missed (a `- ` item at its parent key's indentation), which a bound of 32 leaves room for.
 */
export const nestingProblem = (text: string, max: number = inputBounds.nestingDepth): SourcePosition | undefined => {
  let flow = 0;
  let items = 0;
  let lineStart = true;
  let indent = 0;
  const indents: number[] = [];
  let line = 1;
  let column = 1;
  for (const tok of new Lexer().lex(text)) {
    if (MARKERS.has(tok)) continue;
    const at = { line, column };
    for (const ch of tok) {
      if (ch === '\n') {
        line++;
        column = 1;
      } else column++;
    }
    if (tok === '\n' || tok === '\r\n') {
      lineStart = true;
      indent = 0;
      items = 0;
      continue;
    }
    if (lineStart && /^[ \t]+$/.test(tok)) {
      indent = tok.length;
      continue;
    }
    if (tok.startsWith('#') || /^[ \t]+$/.test(tok)) continue;
    if (lineStart) {
      lineStart = false;
      // A line that opens a flow collection at the top adds that collection's level only.
      if (flow === 0 && tok !== '[' && tok !== '{') {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
      }
    }
    if (tok === '[' || tok === '{') flow++;
    else if (tok === ']' || tok === '}') flow = Math.max(0, flow - 1);
    else if (flow === 0 && (tok === '-' || tok === '?')) items++;
    if (indents.length + Math.max(0, items - 1) + flow > max) return at;
  }
  return undefined;
};
