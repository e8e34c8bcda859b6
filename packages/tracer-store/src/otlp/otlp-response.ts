// What the receiver answers, in the request's encoding (the OTLP/HTTP specification: the response
// uses the request's Content-Type; 4xx and 5xx bodies are google.rpc.Status).
import { wireTypes } from './otlp-schema.js';

/** The two encodings OTLP/HTTP defines; a request in neither is answered in protobuf. */
export type OtlpEncoding = 'protobuf' | 'json';

export const CONTENT_TYPES: Readonly<Record<OtlpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

export interface OtlpAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string;
}

/** 200 with ExportTraceServiceResponse; partial_success only when a span was rejected. */
export function exportAnswer(encoding: OtlpEncoding, rejectedSpans: number, errorMessage = ''): OtlpAnswer {
  const partial = rejectedSpans > 0 || errorMessage !== '';
  const body =
    encoding === 'json'
      ? // int64 as a decimal string, proto3's JSON mapping for 64-bit integers.
        JSON.stringify(partial ? { partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } } : {})
      : wireTypes.response.encode(partial ? { partialSuccess: { rejectedSpans, errorMessage } } : {}).finish();
  return { statusCode: 200, headers: { 'content-type': CONTENT_TYPES[encoding] }, body };
}

/**
 * An error answer: google.rpc.Status with a message saying what was wrong. Its `code` is the gRPC
 * code closest to the HTTP status (OTLP/HTTP does not read it; a person reading the body might).
 */
export function statusAnswer(encoding: OtlpEncoding, statusCode: number, message: string, headers: Record<string, string> = {}): OtlpAnswer {
  const code = GRPC_CODES[statusCode] ?? GRPC_UNKNOWN;
  const body = encoding === 'json' ? JSON.stringify({ code, message }) : wireTypes.rpcStatus.encode({ code, message }).finish();
  return { statusCode, headers: { ...headers, 'content-type': CONTENT_TYPES[encoding] }, body };
}

const GRPC_UNKNOWN = 2;
// google.rpc.Code by HTTP status, after the gRPC ↔ HTTP mapping in google/rpc/code.proto.
const GRPC_CODES: Readonly<Record<number, number>> = {
  400: 3 /* INVALID_ARGUMENT */,
  405: 12 /* UNIMPLEMENTED */,
  413: 8 /* RESOURCE_EXHAUSTED */,
  415: 3 /* INVALID_ARGUMENT */,
  500: 13 /* INTERNAL */,
  503: 14 /* UNAVAILABLE */,
};
