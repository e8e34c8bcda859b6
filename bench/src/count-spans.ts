// Counts the spans of an OTLP ExportTraceServiceRequest by walking its protobuf fields, for the
// receiver processes: cheap, and independent of the encoders being measured.
function varint(bytes: Buffer, at: { pos: number }): number {
  let result = 0;
  let shift = 1;
  for (;;) {
    const byte = bytes[at.pos++]!;
    result += (byte & 0x7f) * shift;
    if (byte < 0x80) return result;
    shift *= 128;
  }
}

/** Counts the length-delimited fields numbered `field` in bytes[start, end), calling `inner` on each. */
function fields(bytes: Buffer, start: number, end: number, field: number, inner: (s: number, e: number) => void): void {
  const at = { pos: start };
  while (at.pos < end) {
    const key = varint(bytes, at);
    const wire = key & 7;
    if (wire === 2) {
      const length = varint(bytes, at);
      if (key >>> 3 === field) inner(at.pos, at.pos + length);
      at.pos += length;
    } else if (wire === 0) varint(bytes, at);
    else if (wire === 1) at.pos += 8;
    else if (wire === 5) at.pos += 4;
    else throw new Error(`wire type ${wire}`);
  }
}

/** Spans in an encoded ExportTraceServiceRequest, without decoding them. */
export function countSpans(body: Buffer): number {
  let count = 0;
  fields(body, 0, body.length, 1, (rs, re) => fields(body, rs, re, 2, (ss, se) => fields(body, ss, se, 2, () => count++)));
  return count;
}
