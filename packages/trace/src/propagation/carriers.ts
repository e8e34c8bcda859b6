/**
 * Where trace context travels: HTTP headers (Node's `IncomingMessage` and its header object,
 * fetch's `Headers`), gRPC-style metadata (`get(key)` gives a list, `set(key, value)`), a `Map`, or a
 * plain object (job payloads, message metadata). A getter and a setter, as OpenTelemetry's
 * `TextMapGetter`/`TextMapSetter`, may be given for anything else.
 */

/**
 * Reads every value of `key` (a lowercase name) from `carrier`, in order; [] when none. Bytes
 * (Kafka message headers, binary metadata) are read as Latin-1 text, which the headers' ASCII is.
 */
export type CarrierGetter<C = unknown> = (carrier: C, key: string) => readonly string[] | string | undefined;
/** Writes `value` as the only value of `key` (a lowercase name) in `carrier`. */
export type CarrierSetter<C = unknown> = (carrier: C, key: string, value: string) => void;

interface MetadataLike {
  get(key: string): unknown;
  set(key: string, value: string): void;
}

/**
 * The values of `key` in `carrier`, each header line separate where the carrier keeps them so
 * (an `IncomingMessage`'s raw headers, metadata lists): a repeated `traceparent` must be seen as
 * repeated. Never throws.
 */
export function readValues(carrier: unknown, key: string, getter?: CarrierGetter): string[] {
  try {
    if (getter !== undefined) return toList(getter(carrier, key));
    if (typeof carrier !== 'object' || carrier === null) return [];
    // An IncomingMessage: its raw header lines, each one as sent (repeats included), read in place
    // (`headersDistinct` would build an object of every header on each request).
    const raw = (carrier as { rawHeaders?: unknown }).rawHeaders;
    if (Array.isArray(raw)) return pairValues(raw, key);
    if (typeof Headers === 'function' && carrier instanceof Headers) return toList(carrier.get(key));
    if (carrier instanceof Map) return toList(carrier.get(key) ?? findKey(carrier, key));
    if (typeof (carrier as MetadataLike).get === 'function') return toList((carrier as MetadataLike).get(key));
    const record = carrier as Record<string, unknown>;
    return toList(Object.hasOwn(record, key) ? record[key] : caseInsensitive(record, key));
  } catch {
    return [];
  }
}

/** Sets `key` to `value` in `carrier`, replacing what was there. Never throws. */
export function writeValue(carrier: unknown, key: string, value: string, setter?: CarrierSetter): void {
  try {
    if (setter !== undefined) return setter(carrier, key, value);
    if (typeof carrier !== 'object' || carrier === null) return;
    if (typeof (carrier as { setHeader?: unknown }).setHeader === 'function') {
      (carrier as { setHeader(key: string, value: string): void }).setHeader(key, value);
    } else if (typeof Headers === 'function' && carrier instanceof Headers) carrier.set(key, value);
    else if (carrier instanceof Map) carrier.set(key, value);
    else if (typeof (carrier as MetadataLike).set === 'function') (carrier as MetadataLike).set(key, value);
    else {
      // A plain object may hold the name in any case: one entry, ours.
      for (const existing of Object.keys(carrier)) if (existing !== key && existing.toLowerCase() === key) delete (carrier as Record<string, unknown>)[existing];
      (carrier as Record<string, unknown>)[key] = value;
    }
  } catch {
    // A frozen or hostile carrier: nothing is propagated, the caller's work goes on.
  }
}

/**
 * The values of `key` (lowercase) in a flat `[name, value, name, value, ...]` list, as Node's
 * `rawHeaders` and undici's request and response headers keep them (names and values as strings or
 * Buffers), in order.
 */
export function pairValues(pairs: readonly unknown[], key: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const name = String(pairs[i]);
    if (name.length === key.length && name.toLowerCase() === key) values.push(String(pairs[i + 1]));
  }
  return values;
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (value instanceof Uint8Array) return [Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1')];
  if (Array.isArray(value)) return value.flatMap((item) => toList(item));
  return [];
}

function caseInsensitive(record: Record<string, unknown>, key: string): unknown {
  for (const name of Object.keys(record)) if (name.toLowerCase() === key) return record[name];
  return undefined;
}

function findKey(map: Map<unknown, unknown>, key: string): unknown {
  for (const [name, value] of map) if (typeof name === 'string' && name.toLowerCase() === key) return value;
  return undefined;
}
