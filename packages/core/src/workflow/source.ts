/**
 * Parsed source files that remember where each field is: YAML (workflows) and JSON (task
 * definitions, read through the same YAML parser once JSON.parse has accepted them, since JSON
 * is YAML's flow style). Positions are 1-based line and column.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { FieldPath } from './issue.js';

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface SyntaxProblem extends Partial<SourcePosition> {
  readonly message: string;
}

export interface ParsedSource {
  /** The plain value: mappings as objects, sequences as arrays. */
  readonly value: unknown;
  /**
   * Where a field is: its key (`key: true`, for unknown keys) or its value; the nearest
   * enclosing field that exists when it does not (a missing key points at its mapping).
   */
  readonly position: (path: FieldPath, opts?: { readonly key?: boolean }) => SourcePosition | undefined;
}

export type ParseResult =
  | { readonly ok: true; readonly source: ParsedSource; readonly warnings: readonly SyntaxProblem[] }
  | { readonly ok: false; readonly problems: readonly SyntaxProblem[] };

const positionIn = (doc: Document, counter: LineCounter) => (path: FieldPath, opts: { key?: boolean } = {}) => {
  let node: unknown = doc.contents;
  let at: Node | undefined = (doc.contents as Node | null) ?? undefined;
  for (const [k, seg] of path.entries()) {
    const last = k === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (last && opts.key && pair.key && (pair.key as Node).range) {
        at = pair.key as Node;
        break;
      }
      // `key:` with no value has a null value node without a range; point at the key then.
      node = pair.value;
      at = (pair.value as Node | null)?.range ? (pair.value as Node) : ((pair.key as Node) ?? at);
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg];
      at = (node as Node).range ? (node as Node) : at;
    } else {
      break;
    }
  }
  const offset = at?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = counter.linePos(offset);
  return { line, column: col };
};

/** "Map keys must be unique at line 2, column 1:\n\n…" → "Map keys must be unique". */
const firstLine = (message: string): string => {
  const line = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
  // The parser's advice is for its own API; say what it means for a workflow file.
  return line.startsWith('Source contains multiple documents')
    ? 'the file holds more than one YAML document (a "---" line starts another); put each workflow in a file of its own'
    : line;
};

export const parseYaml = (text: string): ParseResult => {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  const problem = (e: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }): SyntaxProblem => ({
    message: firstLine(e.message),
    ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
  });
  if (doc.errors.length > 0) return { ok: false, problems: doc.errors.map(problem) };
  let value: unknown;
  try {
    // Aliases resolve here: an undefined anchor or too many aliases (a "billion laughs") throw.
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return { ok: false, problems: [{ message: (e as Error).message, line: 1, column: 1 }] };
  }
  return {
    ok: true,
    source: { value, position: positionIn(doc, counter) },
    warnings: doc.warnings.map(problem),
  };
};

/** Line and column of a character offset. */
const lineColumn = (text: string, offset: number): SourcePosition => {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
};

/** jsonc-parser's error code name in words: `CloseBraceExpected` → "close brace expected". */
const words = (code: string): string => code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();

export const parseJson = (text: string): ParseResult => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // JSON.parse says what but not always where; jsonc-parser, held to strict JSON, says both.
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
    const first = errors[0];
    if (!first) return { ok: false, problems: [{ message: (e as Error).message }] };
    const near = text.slice(first.offset, first.offset + Math.max(1, first.length)).trim();
    return {
      ok: false,
      problems: [{ message: `${words(printParseErrorCode(first.error))}${near ? ` at "${near}"` : ''}`, ...lineColumn(text, first.offset) }],
    };
  }
  const counter = new LineCounter();
  // JSON allows repeated keys (the last wins, as here); YAML would refuse them.
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  const position = doc.errors.length === 0 ? positionIn(doc, counter) : () => undefined;
  return { ok: true, source: { value, position }, warnings: [] };
};
