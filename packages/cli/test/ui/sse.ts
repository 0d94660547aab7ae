// Reads a server-sent event stream of the web view's server: each `data:` event's JSON, until `done` says enough.
export const readEvents = async <T>(url: string, done: (seen: readonly T[]) => boolean): Promise<T[]> => {
  const res = await fetch(url);
  if (res.headers.get('content-type') !== 'text/event-stream; charset=utf-8') throw new Error(`${url} is not an event stream (${res.status})`);
  const reader = res.body!.getReader();
  const seen: T[] = [];
  let buffer = '';
  try {
    while (!done(seen)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += Buffer.from(value).toString();
      const events = buffer.split('\n\n');
      buffer = events.pop()!;
      for (const e of events) if (e.startsWith('data: ')) seen.push(JSON.parse(e.slice(6)) as T);
    }
  } finally {
    await reader.cancel();
  }
  return seen;
};
