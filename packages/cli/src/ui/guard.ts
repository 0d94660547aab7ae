/**
 * Who may talk to the web view's server. It listens on 127.0.0.1 only, but any web page the user
 * opens can make the browser send requests there, and a page on a domain re-pointed at 127.0.0.1
 * (DNS rebinding) even reads the answers. So every request must name this server in `Host`
 * (a rebound page names its own domain), a request with an `Origin` must come from this server's
 * own pages, and every API request must carry the session's token, which only this server's page
 * holds (in a header; in the query where the browser cannot set one: downloads and the event streams).
 */
import { timingSafeEqual } from 'node:crypto';

export interface GuardSettings {
  /** The port the server listens on: `Host` must be 127.0.0.1:port or localhost:port. */
  readonly port: number;
  readonly token: string;
}

export interface GuardRequest {
  readonly method: string;
  readonly path: string;
  readonly host: string | undefined;
  readonly origin: string | undefined;
  /** `X-Hyperp-Token`, or the `token` query parameter. */
  readonly token: string | undefined;
  readonly contentType: string | undefined;
}

export type Refusal = { readonly status: 403 | 415 | 421; readonly message: string };

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const allowedHosts = (port: number): readonly string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

/** Null when the request may be served; else the answer that refuses it. */
export const refusal = (g: GuardSettings, r: GuardRequest): Refusal | null => {
  const hosts = allowedHosts(g.port);
  if (r.host === undefined || !hosts.includes(r.host.toLowerCase())) {
    return { status: 421, message: `this server answers only to ${hosts.join(' or ')}, not to Host "${r.host ?? ''}"` };
  }
  if (r.origin !== undefined && !hosts.some((h) => r.origin === `http://${h}`)) {
    return { status: 403, message: `requests from ${r.origin} are refused: only this server's own pages may call it` };
  }
  if (!r.path.startsWith('/api/')) return null;
  if (r.token === undefined || !sameText(r.token, g.token)) {
    return { status: 403, message: 'the session token is missing or wrong: reload the page hyperp ui printed' };
  }
  // A form posted from elsewhere cannot send JSON without a CORS preflight, which this server never grants.
  if (r.method !== 'GET' && r.method !== 'HEAD' && !(r.contentType ?? '').toLowerCase().startsWith('application/json')) {
    return { status: 415, message: 'send JSON (Content-Type: application/json)' };
  }
  return null;
};
