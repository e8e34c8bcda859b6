import type { SpanRow } from '../../src/span-row.js';

const MILLI = 1_000_000n;

/** Nanoseconds since the epoch of `millisAgo` before now. */
export function nanosAgo(millisAgo: number): bigint {
  return BigInt(Date.now() - millisAgo) * MILLI;
}

/** A 32-digit hex trace id named by a short text (its UTF-8 bytes in hex, zeros before). */
export function traceId(name: string): string {
  return Buffer.from(name).toString('hex').padStart(32, '0');
}

/** A 16-digit hex span id named by a short text. */
export function spanId(name: string): string {
  return Buffer.from(name).toString('hex').padStart(16, '0');
}

/** A stored span with every field set; `overrides` uses short ids as {@link traceId} does. */
export function spanRow(
  overrides: Partial<Omit<SpanRow, 'durationNanos'>> & { trace: string; span: string; parent?: string; durationMillis?: number },
): SpanRow {
  const { trace, span, parent, durationMillis = 10, ...rest } = overrides;
  return {
    traceId: traceId(trace),
    spanId: spanId(span),
    parentSpanId: parent === undefined ? null : spanId(parent),
    operationName: 'work',
    serviceName: 'orders',
    nodeId: null,
    startUnixNanos: nanosAgo(60_000),
    durationNanos: BigInt(Math.round(durationMillis * 1e6)),
    kind: 'internal',
    statusCode: 0,
    statusMessage: null,
    tags: {},
    logs: [],
    links: [],
    resource: { 'service.name': rest.serviceName ?? 'orders' },
    scopeName: null,
    scopeVersion: null,
    traceState: null,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...rest,
  };
}
