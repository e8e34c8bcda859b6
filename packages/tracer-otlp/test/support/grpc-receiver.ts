// A real OTLP/gRPC receiver on 127.0.0.1 for tests, built with @grpc/grpc-js (not our framing): it
// decodes each request with the independent protobufjs schema, answers as scripted (gRPC statuses,
// RetryInfo, partial success, delays), can go down and come back on the same port, and uses TLS
// when given keys.
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { decodeRequest, encodeResponse } from './otlp-schema.js';

/** How to answer one call. */
export interface GrpcReply {
  /** @defaultValue grpc.status.OK */
  readonly code?: grpc.status;
  readonly message?: string;
  /** Send a google.rpc.RetryInfo with this retry_delay in `grpc-status-details-bin`. */
  readonly retryDelayMillis?: number;
  /** Wait this long before answering. */
  readonly delayMillis?: number;
  readonly partialSuccess?: { rejectedSpans: number; errorMessage: string };
}

export interface GrpcCall {
  readonly metadata: Record<string, grpc.MetadataValue[]>;
  readonly request: any;
  readonly spanNames: string[];
  readonly code: grpc.status;
}

export interface GrpcReceiver {
  /** `http://127.0.0.1:<port>` (or https). */
  readonly url: string;
  readonly port: number;
  readonly calls: GrpcCall[];
  /** Names of spans in calls answered OK, minus rejected ones. */
  accepted(): string[];
  /** Replies for the next calls, in order; after them, OK. */
  script(...replies: GrpcReply[]): void;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const STATUS_SCHEMA = protobuf.parse(`
syntax = "proto3";
message Any { string type_url = 1; bytes value = 2; }
message Duration { int64 seconds = 1; int32 nanos = 2; }
message RetryInfo { Duration retry_delay = 1; }
message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
`).root;
const Status = STATUS_SCHEMA.lookupType('Status');
const RetryInfo = STATUS_SCHEMA.lookupType('RetryInfo');

/** A `google.rpc.Status` carrying one RetryInfo, as servers put in `grpc-status-details-bin`. */
export function statusWithRetryInfo(code: number, delayMillis: number): Buffer {
  const retryInfo = RetryInfo.encode({ retryDelay: { seconds: Math.floor(delayMillis / 1000), nanos: (delayMillis % 1000) * 1e6 } }).finish();
  const status = Status.encode({ code, message: 'slow down', details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: retryInfo }] });
  return Buffer.from(status.finish());
}

function spanNames(request: any): string[] {
  return (request.resourceSpans ?? []).flatMap((rs: any) => (rs.scopeSpans ?? []).flatMap((ss: any) => (ss.spans ?? []).map((s: any) => s.name)));
}

const SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (value: Uint8Array) => Buffer.from(value),
    responseDeserialize: (bytes: Buffer) => bytes,
  },
};

export async function startGrpcReceiver(tls?: { key: Buffer; cert: Buffer; ca?: Buffer }, fixedPort = 0): Promise<GrpcReceiver> {
  const calls: GrpcCall[] = [];
  const accepted: string[] = [];
  const queue: GrpcReply[] = [];
  let server: grpc.Server | undefined;
  let port = fixedPort;

  const handler: grpc.handleUnaryCall<Buffer, Uint8Array> = (call, callback) => {
    const request = decodeRequest(call.request);
    const names = spanNames(request);
    const reply = queue.shift() ?? {};
    const code = reply.code ?? grpc.status.OK;
    calls.push({ metadata: call.metadata.getMap() as any, request, spanNames: names, code });
    const answer = () => {
      if (code === grpc.status.OK) {
        const rejected = reply.partialSuccess?.rejectedSpans ?? 0;
        accepted.push(...names.slice(rejected));
        callback(null, encodeResponse(rejected, reply.partialSuccess?.errorMessage ?? ''));
        return;
      }
      const metadata = new grpc.Metadata();
      if (reply.retryDelayMillis !== undefined) metadata.set('grpc-status-details-bin', statusWithRetryInfo(code, reply.retryDelayMillis));
      callback({ code, details: reply.message ?? grpc.status[code], metadata });
    };
    if (reply.delayMillis) setTimeout(answer, reply.delayMillis);
    else answer();
  };

  const up = () =>
    new Promise<void>((resolve, reject) => {
      const s = new grpc.Server();
      s.addService(SERVICE, { Export: handler });
      const credentials = tls
        ? grpc.ServerCredentials.createSsl(tls.ca ?? null, [{ private_key: tls.key, cert_chain: tls.cert }], tls.ca !== undefined)
        : grpc.ServerCredentials.createInsecure();
      s.bindAsync(`127.0.0.1:${port}`, credentials, (error, bound) => {
        if (error) return reject(error);
        port = bound;
        server = s;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.forceShutdown();
      resolve();
    });

  await up();
  return {
    get url() {
      return `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    calls,
    accepted: () => [...accepted],
    script: (...replies) => queue.push(...replies),
    down,
    up,
    close: down,
  };
}
