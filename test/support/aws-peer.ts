/**
 * An AWS service on 127.0.0.1 for the own-client tests (test/faults/*-upstream.test.ts): it records
 * every request as it arrived and answers each from a queue of replies, else with its fallback.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as it reached the peer. */
export interface PeerRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type PeerReply = (res: ServerResponse, request: PeerRequest) => void;

export interface AwsPeer {
  readonly url: string;
  /** Every request so far, in order. */
  readonly seen: PeerRequest[];
  /** Answers the next requests, one each, before the fallback. */
  reply(...replies: PeerReply[]): void;
  /** Forgets what was seen and queued. */
  reset(): void;
  close(): Promise<void>;
}

/** A reply of `status` with `body` as `contentType`. */
export const answer =
  (status: number, contentType: string, body: string): PeerReply =>
  (res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  };

export async function startAwsPeer(fallback: PeerReply): Promise<AwsPeer> {
  const seen: PeerRequest[] = [];
  const queue: PeerReply[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(request);
      (queue.shift() ?? fallback)(res, request);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    reply: (...replies) => queue.push(...replies),
    reset: () => {
      seen.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
