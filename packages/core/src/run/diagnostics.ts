/**
 * The reducer's diagnostics: the events it ignored (before the request, after the end, unknown
 * tasks or jobs, impossible ones), counted by kind, the last few kept for a person to read.
 *
 * Events come twice, so each is counted once: an event is identified by a hash of its canonical
 * JSON (keys sorted, so a store that reorders keys gives the same identity), and the identities
 * of the last `diagnosticsSeenKept` distinct ignored events are kept. A repeat among them changes
 * nothing at all; a repeat of an older one counts again. The event that ended the run is kept
 * among them too, uncounted, so its repeat is not counted as an event after the end. Counting every distinct event exactly
 * would need a set that grows with the run, and state must stay small (DynamoDB's 400 KB item);
 * redeliveries come within minutes, long before a hundred other events were ignored.
 */
import { taggedHash } from '../names/hash.js';
import type { RunEvent } from './events.js';
import { diagnosticsKept, diagnosticsSeenKept, type DiagnosticCode, type Diagnostics } from './state.js';

/** JSON with object keys sorted at every level: equal values give equal text. */
export const canonicalJson = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const fields = Object.keys(v).sort().flatMap((k) => {
      const x = (v as Record<string, unknown>)[k];
      return x === undefined ? [] : [`${JSON.stringify(k)}:${canonicalJson(x)}`];
    });
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
};

/** An event's identity: 16 hex digits of a hash of its canonical JSON. */
export const eventIdentity = (e: RunEvent): string => taggedHash('event', canonicalJson(e), 16);

const lastOf = <T>(xs: readonly T[], n: number): readonly T[] => (xs.length > n ? xs.slice(xs.length - n) : xs);

/** The diagnostics with one more ignored event; unchanged when it is a repeat of a recent one. */
export const withDiagnostic = (d: Diagnostics, code: DiagnosticCode, event: RunEvent, detail: string): Diagnostics => {
  const id = eventIdentity(event);
  // States saved before identities were kept have none.
  const seen = d.seen ?? [];
  if (seen.includes(id)) return d;
  return {
    ignored: d.ignored + 1,
    byCode: { ...d.byCode, [code]: (d.byCode[code] ?? 0) + 1 },
    recent: lastOf([...d.recent, { at: event.at, code, event: event._tag, detail }], diagnosticsKept),
    seen: lastOf([...seen, id], diagnosticsSeenKept),
  };
};

/**
 * The event that ended the run, remembered as seen without counting it: its repeat, the most
 * common late event of all, is then not taken for an event after the end.
 */
export const withEndingEvent = (d: Diagnostics, event: RunEvent): Diagnostics => {
  const id = eventIdentity(event);
  const seen = d.seen ?? [];
  return seen.includes(id) ? d : { ...d, seen: lastOf([...seen, id], diagnosticsSeenKept) };
};
