import { grpcCodeName } from './grpc-status.js';
import { createJsonEncoder } from './otlp-json.js';
import type { OtlpTracerOptions } from './otlp-options.js';
import { createProtobufEncoder, type RequestEncoder } from './otlp-protobuf.js';
import { partialSuccessFromJson, partialSuccessFromProtobuf, type PartialSuccess } from './partial-success.js';
import type { RequestHeader } from './request-header.js';

/**
 * Everything that differs between OTLP/HTTP protobuf, OTLP/HTTP JSON and OTLP/gRPC, chosen once when
 * the tracer is created: the transport sends `contentType`, the exporter encodes with `encoder`,
 * reads a delivered reply with `readPartialSuccess` and names a refusal with `describeRefusal`.
 */
export interface WireFormat {
  readonly contentType: string;
  readonly encoder: RequestEncoder;
  /** Reads the partial success in a 2xx reply body. Pure; never throws. */
  readonly readPartialSuccess: (body: Uint8Array) => PartialSuccess;
  /** A `refused` result's status as a drop reason (`http-400`) and as words for messages (`HTTP 400`). Pure. */
  readonly describeRefusal: (status: number) => Refusal;
}

export interface Refusal {
  readonly reason: string;
  readonly text: string;
}

const httpRefusal = (status: number): Refusal => ({ reason: `http-${status}`, text: `HTTP ${status}` });

/** A gRPC code as `grpc-invalid-argument` and `gRPC INVALID_ARGUMENT (3)`. */
const grpcRefusal = (code: number): Refusal => {
  const name = grpcCodeName(code);
  return { reason: `grpc-${name.toLowerCase().replaceAll('_', '-')}`, text: `gRPC ${name} (${code})` };
};

/** OTLP/HTTP protobuf (`application/x-protobuf`), the default. */
export function protobufFormat(header: RequestHeader): WireFormat {
  return { contentType: 'application/x-protobuf', encoder: createProtobufEncoder(header), readPartialSuccess: partialSuccessFromProtobuf, describeRefusal: httpRefusal };
}

/** OTLP/HTTP JSON (`application/json`): hex ids, enums as numbers, 64-bit integers as decimal strings. */
export function jsonFormat(header: RequestHeader): WireFormat {
  return { contentType: 'application/json', encoder: createJsonEncoder(header), readPartialSuccess: partialSuccessFromJson, describeRefusal: httpRefusal };
}

/** OTLP/gRPC: the same protobuf messages; refusals are gRPC status codes. */
export function grpcFormat(header: RequestHeader): WireFormat {
  return { contentType: 'application/grpc', encoder: createProtobufEncoder(header), readPartialSuccess: partialSuccessFromProtobuf, describeRefusal: grpcRefusal };
}

/** The wire format of each `protocol` option value. */
export const WIRE_FORMATS: Readonly<Record<NonNullable<OtlpTracerOptions['protocol']>, (header: RequestHeader) => WireFormat>> = {
  'http/protobuf': protobufFormat,
  'http/json': jsonFormat,
  grpc: grpcFormat,
};
