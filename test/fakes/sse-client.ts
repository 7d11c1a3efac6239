/** A minimal server-sent events reader over fetch, for tests: collects events, waits for a count. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

export interface SseStream {
  events: SseEvent[];
  status: number;
  waitFor(count: number, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  let waiters: Array<() => void> = [];
  if (res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buf += value;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const ev: SseEvent = { data: '' };
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const [field, ...rest] = line.split(':');
              const v = rest.join(':').replace(/^ /, '');
              if (field === 'id') ev.id = v;
              else if (field === 'event') ev.event = v;
              else if (field === 'data') data.push(v);
            }
            if (data.length) {
              ev.data = data.join('\n');
              events.push(ev);
              const w = waiters;
              waiters = [];
              for (const fn of w) fn();
            }
          }
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    events,
    status: res.status,
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`SSE: got ${events.length} events, waited for ${count}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return events;
    },
    close() {
      abort.abort();
    },
  };
}
