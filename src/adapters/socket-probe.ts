/**
 * One bounded probe over a socket (TCP or TLS): settles exactly once, on the first of the socket's
 * own outcome, the time limit, or the caller's abort, and always destroys the socket.
 */
import type { Socket } from 'node:net';

export function probeSocket<T>(
  socket: Socket,
  bounds: { readonly timeoutMs: number; readonly signal?: AbortSignal | undefined },
  timedOut: (afterMs: number) => T,
  listen: (finish: (result: T) => void) => void,
): Promise<T> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      bounds.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish(timedOut(Date.now() - started));
    const timer = setTimeout(onAbort, bounds.timeoutMs);
    bounds.signal?.addEventListener('abort', onAbort, { once: true });
    listen(finish);
  });
}
