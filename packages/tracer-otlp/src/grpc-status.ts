import { readVarint, skip } from './partial-success.js';

/** gRPC status codes by number, named as the gRPC specification names them. */
const CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export const GRPC_OK = 0;
export const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_UNKNOWN = 2;

/** `UNAVAILABLE` for 14; `CODE_99` for a code the specification does not define. Pure. */
export function grpcCodeName(code: number): string {
  return CODE_NAMES[code] ?? `CODE_${code}`;
}

/**
 * Whether a gRPC status is worth retrying, as the OTLP specification lists them: CANCELLED,
 * DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS, and RESOURCE_EXHAUSTED only when
 * the server sent a RetryInfo (without one it means "this will never fit", for example a too-large
 * message). Pure.
 */
export function isRetryableGrpcCode(code: number, hasRetryInfo: boolean): boolean {
  if (code === GRPC_RESOURCE_EXHAUSTED) return hasRetryInfo;
  return code === 1 || code === 4 || code === 10 || code === 11 || code === 14 || code === 15;
}

/**
 * The gRPC status of a reply that had no `grpc-status`, from its HTTP status, as gRPC's
 * "HTTP to gRPC status code mapping" says (a proxy in the way answered instead of the server). Pure.
 */
export function grpcCodeOfHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return 13; // INTERNAL
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 12; // UNIMPLEMENTED
    case 429:
    case 502:
    case 503:
    case 504:
      return 14; // UNAVAILABLE
    default:
      return GRPC_UNKNOWN;
  }
}

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** The fields of one length-delimited message, as `[field number, wire type, start, end]` of each value. */
function* fields(bytes: Uint8Array): Generator<[number, number, number, number]> {
  const at = { pos: 0 };
  while (at.pos < bytes.length) {
    const key = readVarint(bytes, at);
    const wire = key & 7;
    if (wire === 2) {
      const length = readVarint(bytes, at);
      yield [key >>> 3, wire, at.pos, at.pos + length];
      at.pos += length;
    } else if (wire === 0) {
      const start = at.pos;
      const value = readVarint(bytes, at);
      yield [key >>> 3, wire, value, start];
    } else skip(bytes, at, wire);
  }
}

/** `google.protobuf.Duration` bytes as milliseconds. */
function durationMillis(bytes: Uint8Array): number {
  let seconds = 0;
  let nanos = 0;
  for (const [field, wire, value] of fields(bytes)) {
    if (wire !== 0) continue;
    if (field === 1) seconds = value;
    else if (field === 2) nanos = value;
  }
  return seconds * 1000 + Math.round(nanos / 1e6);
}

/**
 * The `RetryInfo.retry_delay` in a `grpc-status-details-bin` trailer (base64 of a `google.rpc.Status`
 * whose `details` are `google.protobuf.Any`), in milliseconds. Undefined when the trailer is absent,
 * unreadable or has no RetryInfo: the caller then treats the status as having none. Pure; never throws.
 */
export function retryDelayFromStatusDetails(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return undefined;
  try {
    const status = Buffer.from(text, 'base64');
    for (const [field, wire, start, end] of fields(status)) {
      if (field !== 3 || wire !== 2) continue;
      const any = status.subarray(start, end);
      let typeUrl = '';
      let payload: Uint8Array | undefined;
      for (const [f, w, s, e] of fields(any)) {
        if (w !== 2) continue;
        if (f === 1) typeUrl = any.subarray(s, e).toString('utf8');
        else if (f === 2) payload = any.subarray(s, e);
      }
      if (typeUrl !== RETRY_INFO_TYPE || payload === undefined) continue;
      for (const [f, w, s, e] of fields(payload)) if (f === 1 && w === 2) return durationMillis(payload.subarray(s, e));
      return 0;
    }
  } catch {
    // An unreadable detail is as good as none: the status alone decides.
  }
  return undefined;
}

/**
 * A `grpc-timeout` header value for `millis`: at most 8 digits, as the gRPC wire format requires,
 * in milliseconds while that fits and in seconds beyond. Pure.
 */
export function grpcTimeoutHeader(millis: number): string {
  const whole = Math.max(1, Math.ceil(millis));
  return whole < 1e8 ? `${whole}m` : `${Math.ceil(whole / 1000)}S`;
}
