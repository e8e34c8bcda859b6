// A minimal protobuf writer for the OTLP encoder: a growable buffer (one per request, one per extra scope),
// length-delimited fields written in place (one byte reserved, shifted when the length needs more).

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[97 + i] = 10 + i;
  NIBBLE[65 + i] = 10 + i;
}

const TWO_32 = 4294967296;

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;
export const WIRE_FIXED32 = 5;

function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

export class ProtoWriter {
  buf: Uint8Array;
  pos = 0;
  #view: DataView;

  /** `initialBytes`: room before the first growth (it doubles as needed). */
  constructor(initialBytes = 64 * 1024) {
    this.buf = new Uint8Array(initialBytes);
    this.#view = new DataView(this.buf.buffer);
  }

  /** A copy of what was written (the buffer itself is reused). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.#view = new DataView(next.buffer);
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** An unsigned value below 2^32. */
  varint(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  /** A 64-bit value given as two unsigned 32-bit halves. */
  varint64(lo: number, hi: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi > 0) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  /** An int64 from a safe integer, negative ones in two's complement (10 bytes), as protobuf wants. */
  int64(value: number): void {
    if (value >= 0 && value < TWO_32) this.varint(value);
    else this.varint64(value >>> 0, Math.floor(value / TWO_32) >>> 0);
  }

  int64Big(value: bigint): void {
    const unsigned = BigInt.asUintN(64, value);
    this.varint64(Number(unsigned & 0xffffffffn), Number(unsigned >> 32n));
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.#view.setUint32(this.pos, value, true);
    this.pos += 4;
  }

  fixed64(lo: number, hi: number): void {
    this.ensure(8);
    this.#view.setUint32(this.pos, lo, true);
    this.#view.setUint32(this.pos + 4, hi, true);
    this.pos += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.#view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** Starts a length-delimited field; returns where its length goes. */
  fork(field: number): number {
    this.tag(field, WIRE_LENGTH);
    this.ensure(1);
    return this.pos++;
  }

  /**
   * Starts a length-delimited field expected to be 128 bytes to 16 KiB long (a span): two bytes are
   * reserved for its length, so `ldelim2` writes it in place instead of moving the content.
   */
  fork2(field: number): number {
    this.tag(field, WIRE_LENGTH);
    this.ensure(2);
    const at = this.pos;
    this.pos += 2;
    return at;
  }

  /** Ends the field started by `fork2` (moving the content only when its length is not two bytes long). */
  ldelim2(at: number): void {
    const length = this.pos - at - 2;
    if (length >= 0x80 && length < 0x4000) {
      this.buf[at] = (length & 0x7f) | 0x80;
      this.buf[at + 1] = length >>> 7;
      return;
    }
    this.#moveAndWriteLength(at, 2, length);
  }

  /** Ends the field started by `fork`, writing its length (moving the content if it needs >1 byte). */
  ldelim(at: number): void {
    const length = this.pos - at - 1;
    if (length < 0x80) {
      this.buf[at] = length;
      return;
    }
    this.#moveAndWriteLength(at, 1, length);
  }

  /**
   * The slow path of `ldelim` and `ldelim2`: `length` needs another number of bytes than the
   * `reserved` ones at `at`, so the content after them moves to make it fit.
   */
  #moveAndWriteLength(at: number, reserved: number, length: number): void {
    const size = varintSize(length);
    if (size > reserved) this.ensure(size - reserved);
    this.buf.copyWithin(at + size, at + reserved, this.pos);
    const end = this.pos + size - reserved;
    this.pos = at;
    this.varint(length);
    this.pos = end;
  }

  string(field: number, value: string): void {
    const at = this.fork(field);
    this.utf8(value);
    this.ldelim(at);
  }

  utf8(value: string): void {
    const length = value.length;
    this.ensure(length * 3);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < length; i++) {
      let c = value.charCodeAt(i);
      if (c < 0x80) buf[pos++] = c;
      else if (c < 0x800) {
        buf[pos++] = (c >> 6) | 0xc0;
        buf[pos++] = (c & 0x3f) | 0x80;
      } else {
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < length) {
          const next = value.charCodeAt(i + 1);
          if (next >= 0xdc00 && next < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
            i++;
            buf[pos++] = (c >> 18) | 0xf0;
            buf[pos++] = ((c >> 12) & 0x3f) | 0x80;
            buf[pos++] = ((c >> 6) & 0x3f) | 0x80;
            buf[pos++] = (c & 0x3f) | 0x80;
            continue;
          }
        }
        // A lone surrogate becomes U+FFFD, as TextEncoder does.
        if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
        buf[pos++] = (c >> 12) | 0xe0;
        buf[pos++] = ((c >> 6) & 0x3f) | 0x80;
        buf[pos++] = (c & 0x3f) | 0x80;
      }
    }
    this.pos = pos;
  }

  /** A bytes field of `count` 32-bit words (an id kept as words), high-order byte first. */
  wordBytes(field: number, count: 2 | 4, w0: number, w1: number, w2 = 0, w3 = 0): void {
    this.tag(field, WIRE_LENGTH);
    this.ensure(1 + 4 * count);
    const view = this.#view;
    let pos = this.pos;
    this.buf[pos++] = 4 * count;
    view.setInt32(pos, w0);
    view.setInt32(pos + 4, w1);
    if (count === 4) {
      view.setInt32(pos + 8, w2);
      view.setInt32(pos + 12, w3);
    }
    this.pos = pos + 4 * count;
  }

  /** A bytes field from a hex id (trace or span id): half as many bytes as characters. */
  hexBytes(field: number, hex: string): void {
    const bytes = hex.length >> 1;
    this.tag(field, WIRE_LENGTH);
    this.ensure(bytes + 1);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = bytes;
    for (let i = 0; i < hex.length; i += 2) {
      buf[pos++] = (NIBBLE[hex.charCodeAt(i) & 127]! << 4) | NIBBLE[hex.charCodeAt(i + 1) & 127]!;
    }
    this.pos = pos;
  }
}
