import type { AttributeValue } from '@x/tracer-core';
import { ProtoWriter } from './protobuf-writer.js';

/** Most distinct keys whose attributes are kept encoded; attributes of keys past it are encoded each time. */
const MAX_KEYS = 128;
/** Most distinct values kept per key: a key whose values vary (a path, an id) fills its share and stops. */
const MAX_VALUES_PER_KEY = 16;
/** Longest string value kept encoded. */
const MAX_VALUE_LENGTH = 64;

type Scalar = string | number | boolean;

/**
 * The body of an attribute's `KeyValue` (key and value, without its tag and length), kept per key
 * and value for the attributes that repeat from span to span: the method, the scheme, the protocol
 * version, a host, a status code. Copying these bytes costs a fraction of encoding the key and the
 * value again (~1.2 µs a span went into attributes in bench http-server). Bounded: at most
 * MAX_KEYS keys of MAX_VALUES_PER_KEY short scalar values each, some 300 KiB at worst; nothing is
 * ever evicted, so a key with many values keeps the first it saw and encodes the others each time.
 */
export class KeyValueCache {
  readonly #byKey = new Map<string, Map<Scalar, Uint8Array>>();
  /**
   * The last attribute found at each index of a list: spans of one instrumentation list the same
   * keys in the same order, mostly with the same values, so this comparison spares the two lookups.
   */
  readonly #lastAt: { key: string; value: Scalar; bytes: Uint8Array }[] = [];
  readonly #scratch = new ProtoWriter(256);
  readonly #encode: (w: ProtoWriter, key: string, value: AttributeValue) => void;

  /** `encode` writes the KeyValue's fields (key, value) for a key and value. */
  constructor(encode: (w: ProtoWriter, key: string, value: AttributeValue) => void) {
    this.#encode = encode;
  }

  /**
   * The encoded KeyValue body of `key` = `value` (at `index` of its attribute list), or undefined
   * when it is not kept (write it out).
   */
  encoded(key: string, value: AttributeValue, index: number): Uint8Array | undefined {
    const last = this.#lastAt[index];
    if (last !== undefined && last.key === key && last.value === value) return last.bytes;
    const bytes = this.#lookUp(key, value);
    if (bytes !== undefined && index < MAX_KEYS) {
      if (last === undefined) this.#lastAt[index] = { key, value: value as Scalar, bytes };
      else {
        last.key = key;
        last.value = value as Scalar;
        last.bytes = bytes;
      }
    }
    return bytes;
  }

  #lookUp(key: string, value: AttributeValue): Uint8Array | undefined {
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') return undefined;
    if (type === 'string' && (value as string).length > MAX_VALUE_LENGTH) return undefined;
    let values = this.#byKey.get(key);
    if (values === undefined) {
      if (this.#byKey.size >= MAX_KEYS) return undefined;
      values = new Map();
      this.#byKey.set(key, values);
    }
    let bytes = values.get(value as Scalar);
    if (bytes === undefined && values.size < MAX_VALUES_PER_KEY) {
      const w = this.#scratch;
      w.pos = 0;
      this.#encode(w, key, value);
      bytes = w.finish();
      values.set(value as Scalar, bytes);
    }
    return bytes;
  }
}
