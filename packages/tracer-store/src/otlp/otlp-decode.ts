// The two OTLP/HTTP encodings of ExportTraceServiceRequest, decoded to store rows. Pure: bytes or
// text in, rows out; they throw `OtlpDecodeError` only when the payload as a whole is unreadable.
import { jsonTypes, wireTypes } from './otlp-schema.js';
import { PLAIN_OPTIONS, type IdReader, type PlainRequest } from './otlp-plain.js';
import { rowsOf, type DecodedSpans } from './otlp-rows.js';

export type { DecodedSpans } from './otlp-rows.js';

/** The payload is not an ExportTraceServiceRequest in the encoding it claims (HTTP 400). */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

/** Decodes binary protobuf (`application/x-protobuf`). Throws OtlpDecodeError when it is not one. */
export function decodeOtlpProtobuf(bytes: Uint8Array): DecodedSpans {
  let plain: PlainRequest;
  try {
    plain = wireTypes.request.toObject(wireTypes.request.decode(bytes), PLAIN_OPTIONS) as PlainRequest;
  } catch (error) {
    throw new OtlpDecodeError(`not a protobuf ExportTraceServiceRequest: ${messageOf(error)}`, { cause: error });
  }
  return rowsOf(plain, base64Id);
}

/**
 * Decodes OTLP/JSON (`application/json`): lowerCamelCase keys, hex ids, integer enums, int64 as
 * numbers or decimal strings (a number past 2^53 is rounded by JSON itself, so only the string
 * form, which the OpenTelemetry SDKs send, is exact to the nanosecond). Keys it does not know are ignored, as the OTLP specification
 * requires of receivers; that includes proto field names (`resource_spans`), which the
 * specification says are not valid OTLP/JSON keys. Throws OtlpDecodeError when it is not one.
 */
export function decodeOtlpJson(text: string): DecodedSpans {
  let plain: PlainRequest;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError('the payload is not a JSON object');
    plain = jsonTypes.request.toObject(jsonTypes.request.fromObject(parsed), PLAIN_OPTIONS) as PlainRequest;
  } catch (error) {
    throw new OtlpDecodeError(`not an OTLP/JSON ExportTraceServiceRequest: ${messageOf(error)}`, { cause: error });
  }
  return rowsOf(plain, hexId);
}

const base64Id: IdReader = (raw) => (raw === undefined ? '' : Buffer.from(raw, 'base64').toString('hex'));

const HEX = /^(?:[0-9a-f]{2})*$/i;
const hexId: IdReader = (raw) => {
  if (raw === undefined) return '';
  return HEX.test(raw) ? raw.toLowerCase() : null;
};

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
