import { describe, expect, it } from 'vitest';
import { SpanKind, type ExportResult, type FinishedSpan } from '@x/tracer-core';
import { createOtlpExporter } from '../src/otlp-exporter.js';
import type { Transport, TransportResult } from '../src/transport.js';
import { jsonFormat } from '../src/wire-format.js';

const ENDPOINT = 'http://collector:4318/v1/traces';

function span(name: string): FinishedSpan {
  return {
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    parentSpanId: '',
    parentIsRemote: false,
    traceState: '',
    name,
    kind: SpanKind.INTERNAL,
    startTime: 1,
    endTime: 2,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0 },
    scope: undefined,
    byteSize: 400,
  };
}

/** A transport that answers each request from a script and notes the span names it was sent. */
function scripted(...answers: TransportResult[]) {
  const sent: string[][] = [];
  const transport: Transport = {
    async send(body) {
      const request = JSON.parse(Buffer.from(body).toString('utf8'));
      sent.push(request.resourceSpans[0].scopeSpans[0].spans.map((s: { name: string }) => s.name));
      return answers.shift() ?? { kind: 'delivered', body: new Uint8Array() };
    },
    close: async () => undefined,
  };
  return { transport, sent };
}

const reply = (partialSuccess?: object): TransportResult => ({
  kind: 'delivered',
  body: Buffer.from(JSON.stringify(partialSuccess === undefined ? {} : { partialSuccess })),
});

/** The result as plain values: deferred spans by name, the error by its message. */
function plain(result: ExportResult) {
  const out: Record<string, unknown> = { ...result };
  if ('deferred' in result && result.deferred !== undefined) out.deferred = result.deferred.map((s) => s.name);
  if ('error' in result && result.error !== undefined) out.error = result.error.message;
  return out;
}

describe('createOtlpExporter', () => {
  it.each<[string, TransportResult[], Record<string, unknown>]>([
    ['all delivered: success', [reply()], { status: 'success' }],
    ["a receiver's warning with nothing rejected: success with the warning", [reply({ errorMessage: 'deprecated field' })], { status: 'success', message: 'deprecated field' }],
    [
      'a partial success: partial, the rejected count and the warning (secrets redacted)',
      [reply({ rejectedSpans: '2', errorMessage: 'bad ids from secret-token' })],
      { status: 'partial', rejected: 2, message: 'bad ids from [REDACTED]', deferred: [], dropped: {} },
    ],
    [
      'a final status: partial, dropped by the status, with an error',
      [{ kind: 'refused', status: 400, body: Buffer.from('nope') }],
      {
        status: 'partial',
        rejected: 0,
        deferred: [],
        dropped: { 'http-400': 3 },
        error: `OTLP export to ${ENDPOINT} failed: HTTP 400: nope (not retryable: 3 spans dropped)`,
      },
    ],
    [
      'retryable after the retries: retryable, all kept',
      [{ kind: 'retryable', reason: 'HTTP 503 after 5 attempt(s)' }],
      { status: 'retryable', error: `OTLP export to ${ENDPOINT} failed: HTTP 503 after 5 attempt(s) (spans kept for the next export)` },
    ],
    ['aborted: partial, all deferred, no error', [{ kind: 'aborted' }], { status: 'partial', rejected: 0, deferred: ['s0', 's1', 's2'], dropped: {} }],
  ])('%s', async (_name, answers, expected) => {
    const { transport } = scripted(...answers);
    const exporter = createOtlpExporter({
      format: jsonFormat({ resource: [], scopeName: 'test', scopeVersion: '' }),
      transport,
      timeoutMillis: 10_000,
      maxRequestBytes: 1_000_000,
      endpoint: ENDPOINT,
      redact: (text) => text.replaceAll('secret-token', '[REDACTED]'),
    });
    const result = await exporter.export([span('s0'), span('s1'), span('s2')], { signal: new AbortController().signal, flushing: true });
    expect(plain(result)).toEqual(expected);
  });

  it('a batch split into requests, one delivered and one not: partial, the undelivered part deferred', async () => {
    const { transport, sent } = scripted(reply(), { kind: 'retryable', reason: 'ECONNRESET (socket hang up) after 5 attempt(s)' });
    const exporter = createOtlpExporter({
      format: jsonFormat({ resource: [], scopeName: 'test', scopeVersion: '' }),
      transport,
      timeoutMillis: 10_000,
      maxRequestBytes: 1000, // two of these spans fit, four do not
      endpoint: ENDPOINT,
      redact: (text) => text,
    });
    const batch = ['s0', 's1', 's2', 's3'].map(span);
    const result = await exporter.export(batch, { signal: new AbortController().signal, flushing: true });
    expect(sent).toEqual([
      ['s0', 's1'],
      ['s2', 's3'],
    ]);
    expect(plain(result)).toEqual({
      status: 'partial',
      rejected: 0,
      deferred: ['s2', 's3'],
      dropped: {},
      error: `OTLP export to ${ENDPOINT} failed: ECONNRESET (socket hang up) after 5 attempt(s) (spans kept for the next export)`,
    });
  });
});
