// The page's only requests: to the server that served it, with the session's token.
const KEY = 'hyperp-token';

/** The token comes in the URL hyperp ui printed (`#token=…`); kept for this tab, and taken out of the address bar. */
export const token: string = (() => {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(KEY, decodeURIComponent(m[1]!));
    history.replaceState(null, '', `${location.pathname}#/`);
  }
  return sessionStorage.getItem(KEY) ?? '';
})();

const query = (params: Record<string, string | number | undefined | null>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

const answer = async <T>(res: Response): Promise<T> => {
  const body = (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
};

export const getJson = async <T>(path: string, params: Record<string, string | number | undefined | null> = {}): Promise<T> =>
  answer<T>(await fetch(`/api/${path}${query(params)}`, { headers: { 'X-Hyperp-Token': token } }));

export const postJson = async <T>(path: string, body: unknown): Promise<T> =>
  answer<T>(await fetch(`/api/${path}`, { method: 'POST', headers: { 'X-Hyperp-Token': token, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }));

/** A live view: the server sends the whole value again whenever it changes. */
export const subscribe = <T>(path: string, params: Record<string, string>, onData: (v: T) => void, onProblem: (message: string) => void): (() => void) => {
  const es = new EventSource(`/api/stream/${path}${query({ ...params, token })}`);
  es.onmessage = (e: MessageEvent<string>) => onData(JSON.parse(e.data) as T);
  es.addEventListener('problem', (e) => onProblem((JSON.parse((e as MessageEvent<string>).data) as { error: string }).error));
  return () => es.close();
};

export const downloadUrl = (id: string, job: string): string => `/api/download${query({ id, job, token })}`;
