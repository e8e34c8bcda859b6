// An HTTP/2 front on 127.0.0.1 for a gRPC receiver, to break calls the way a proxy or a crashing
// server does: a scripted call is answered with RST_STREAM once its request has arrived, or its TCP
// connection is reset; every other call passes through to the receiver unchanged. grpc-js cannot
// be told to do either, and the receiver behind stays the one that decodes and counts.
import { connect, constants, createServer, type ClientHttp2Session } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';

/** How to break one call. */
export type Break = 'rst-stream' | 'reset-connection';

export interface BreakingFront {
  /** `http://127.0.0.1:<port>`, to give the tracer instead of the receiver's. */
  readonly url: string;
  /** Calls broken so far. */
  readonly broken: number;
  /** Breaks for the next calls, in order; after them, calls pass through. */
  script(...breaks: Break[]): void;
  close(): Promise<void>;
}

export async function startBreakingFront(target: string): Promise<BreakingFront> {
  const queue: Break[] = [];
  const sockets = new Set<Socket>();
  let broken = 0;
  let upstream: ClientHttp2Session | undefined;
  const server = createServer();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const next = queue.shift();
      if (next !== undefined) broken++;
      if (next === 'rst-stream') return stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      // One client connects in these tests: resetting every socket resets its connection.
      if (next === 'reset-connection') return sockets.forEach((socket) => socket.resetAndDestroy());
      if (!upstream || upstream.destroyed) {
        upstream = connect(target);
        upstream.on('error', () => undefined);
      }
      const { ':authority': _authority, ...forwarded } = headers;
      const call = upstream.request(forwarded);
      call.on('error', () => stream.close(constants.NGHTTP2_INTERNAL_ERROR));
      let trailers = {};
      call.on('response', (head) => {
        // A trailers-only answer (an error status) carries grpc-status in its headers.
        if (head['grpc-status'] !== undefined) return stream.respond(head, { endStream: true });
        stream.respond(head, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers(trailers));
      });
      call.on('trailers', (received) => (trailers = received));
      call.on('data', (chunk: Buffer) => stream.write(chunk));
      call.on('end', () => stream.end());
      call.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get broken() {
      return broken;
    },
    script: (...breaks) => queue.push(...breaks),
    close: () =>
      new Promise<void>((resolve) => {
        upstream?.destroy();
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
