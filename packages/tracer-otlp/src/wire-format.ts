import { createJsonEncoder } from './otlp-json.js';
import type { OtlpTracerOptions } from './otlp-options.js';
import { createProtobufEncoder, type RequestEncoder } from './otlp-protobuf.js';
import { partialSuccessFromJson, partialSuccessFromProtobuf, type PartialSuccess } from './partial-success.js';
import type { RequestHeader } from './request-header.js';

/**
 * Everything that differs between OTLP/HTTP protobuf and OTLP/HTTP JSON, chosen once when the
 * tracer is created: the transport sends `contentType`, the exporter encodes with `encoder` and
 * reads a 2xx reply with `readPartialSuccess`.
 */
export interface WireFormat {
  readonly contentType: string;
  readonly encoder: RequestEncoder;
  /** Reads the partial success in a 2xx reply body. Pure; never throws. */
  readonly readPartialSuccess: (body: Uint8Array) => PartialSuccess;
}

/** OTLP/HTTP protobuf (`application/x-protobuf`), the default. */
export function protobufFormat(header: RequestHeader): WireFormat {
  return { contentType: 'application/x-protobuf', encoder: createProtobufEncoder(header), readPartialSuccess: partialSuccessFromProtobuf };
}

/** OTLP/HTTP JSON (`application/json`): hex ids, enums as numbers, 64-bit integers as decimal strings. */
export function jsonFormat(header: RequestHeader): WireFormat {
  return { contentType: 'application/json', encoder: createJsonEncoder(header), readPartialSuccess: partialSuccessFromJson };
}

/** The wire format of each `protocol` option value. */
export const WIRE_FORMATS: Readonly<Record<NonNullable<OtlpTracerOptions['protocol']>, (header: RequestHeader) => WireFormat>> = {
  'http/protobuf': protobufFormat,
  'http/json': jsonFormat,
};
