import type { PartialSuccess } from '@x/tracer-http/internal';

export type { PartialSuccess } from '@x/tracer-http/internal';

const NONE: PartialSuccess = { rejectedSpans: 0, errorMessage: '' };

/** Reads one protobuf varint at `at.pos` and moves past it. @throws RangeError when truncated. */
export function readVarint(bytes: Uint8Array, at: { pos: number }): number {
  let result = 0;
  let shift = 1;
  for (;;) {
    const byte = bytes[at.pos++];
    if (byte === undefined) throw new RangeError('truncated varint');
    result += (byte & 0x7f) * shift;
    if (byte < 0x80) return result;
    shift *= 128;
  }
}

/** Moves `at.pos` past one field of wire type `wire`. @throws RangeError for an unknown wire type. */
export function skip(bytes: Uint8Array, at: { pos: number }, wire: number): void {
  if (wire === 0) readVarint(bytes, at);
  else if (wire === 1) at.pos += 8;
  else if (wire === 2) at.pos += readVarint(bytes, at);
  else if (wire === 5) at.pos += 4;
  else throw new RangeError(`wire type ${wire}`);
}

/** Reads `ExportTraceServiceResponse.partial_success` from protobuf bytes. Pure; never throws. */
export function partialSuccessFromProtobuf(bytes: Uint8Array): PartialSuccess {
  try {
    const at = { pos: 0 };
    while (at.pos < bytes.length) {
      const key = readVarint(bytes, at);
      if (key >>> 3 !== 1 || (key & 7) !== 2) {
        skip(bytes, at, key & 7);
        continue;
      }
      const end = at.pos + readVarint(bytes, at);
      let rejectedSpans = 0;
      let errorMessage = '';
      while (at.pos < end) {
        const inner = readVarint(bytes, at);
        if (inner === 0x08) rejectedSpans = readVarint(bytes, at);
        else if (inner === 0x12) {
          const length = readVarint(bytes, at);
          errorMessage = Buffer.from(bytes.subarray(at.pos, at.pos + length)).toString('utf8');
          at.pos += length;
        } else skip(bytes, at, inner & 7);
      }
      return { rejectedSpans, errorMessage };
    }
  } catch {
    // An unreadable reply body is not a reason to call a 2xx a failure.
  }
  return NONE;
}

/** Reads `partialSuccess` from an OTLP/JSON reply. Pure; never throws. */
export function partialSuccessFromJson(bytes: Uint8Array): PartialSuccess {
  try {
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { partialSuccess?: { rejectedSpans?: unknown; errorMessage?: unknown } };
    const rejected = Number(parsed.partialSuccess?.rejectedSpans ?? 0);
    const message = parsed.partialSuccess?.errorMessage;
    return { rejectedSpans: Number.isFinite(rejected) && rejected > 0 ? rejected : 0, errorMessage: typeof message === 'string' ? message : '' };
  } catch {
    return NONE;
  }
}
