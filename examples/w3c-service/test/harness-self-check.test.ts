// Proves the harness before it judges our instrumentation: run against services whose behaviour is
// known, it must pass and fail exactly the tests they deserve. OpenTelemetry JS propagating by hand
// passes 36 of 41 (the 5 it fails are marked below, with why); a service that sends no context fails
// all 41; one that starts a new trace on every request fails the 15 that need the trace continued.
// If the harness changed what it checks, one of these would turn red.
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../src/service.js';
import { startControlService } from './support/reference-service.js';
import {
  TRACE_CONTEXT_TESTS,
  describeTraceContextHarness,
  runTraceContextHarness,
  startTraceContextHarness,
} from './support/trace-context-harness.js';

// OpenTelemetry's TraceState reads tracestate member by member, skips the members it finds invalid
// and stops after 32. At STRICT_LEVEL=2 the harness wants a list with any bad member, a repeated
// key or more than 32 members not propagated at all, so these five fail on that one choice.
const OPENTELEMETRY_FAILS = {
  test_tracestate_duplicated_keys: "'foo=1,foo=1' comes out as 'foo=1': the repeated key is kept once, not the tracestate dropped",
  test_tracestate_key_illegal_vendor_format: "'foo@=1,bar=2' comes out as 'bar=2': only the bad member is dropped",
  test_tracestate_member_count_limit: '33 members come out as the first 32, where the list is to be dropped',
  test_tracestate_key_length_limit: "a 257-character key is dropped and 'foo=1' beside it kept",
  test_tracestate_value_illegal_characters: "'foo=,bar=3' comes out as 'bar=3': only the empty value is dropped",
};

describe('the harness against OpenTelemetry JS propagating by hand', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startControlService('opentelemetry');
  });
  afterAll(() => service?.close());

  describeTraceContextHarness('W3C Trace Context', () => service.url, { expectedFailures: OPENTELEMETRY_FAILS });
});

describe('the harness itself', () => {
  const names = TRACE_CONTEXT_TESTS.map((t) => t.name);

  it('has the 41 official tests, each once: 37 TraceContextTest, 3 AdvancedTest, 1 TraceContext2Test', () => {
    expect(new Set(names).size).toBe(41);
    const inClass = (testClass: string) => TRACE_CONTEXT_TESTS.filter((t) => t.testClass === testClass).length;
    expect(['TraceContextTest', 'AdvancedTest', 'TraceContext2Test'].map(inClass)).toEqual([37, 3, 1]);
  });

  it('fails all 41 against a service that sends no trace context', async () => {
    const service = await startControlService('silent');
    try {
      const results = await runTraceContextHarness(service.url);
      expect(results.filter((r) => !r.passed).map((r) => r.name)).toEqual(names);
      for (const result of results) expect(result.error).toMatch(/^expect one traceparent header, got zero/);
    } finally {
      await service.close();
    }
  });

  it('fails exactly the 15 that need the trace continued against a service that restarts every trace', async () => {
    const service = await startControlService('restarting');
    try {
      const failed = (await runTraceContextHarness(service.url)).filter((r) => !r.passed).map((r) => r.name);
      expect(failed).toEqual([
        'test_traceparent_included_tracestate_missing',
        'test_traceparent_header_name_valid_casing',
        'test_traceparent_version_0xcc',
        'test_traceparent_ows_handling',
        'test_tracestate_included_traceparent_included',
        'test_tracestate_header_name_valid_casing',
        'test_tracestate_empty_header',
        'test_tracestate_multiple_headers_different_keys',
        'test_tracestate_duplicated_keys',
        'test_tracestate_all_allowed_characters',
        'test_tracestate_ows_handling',
        'test_tracestate_member_count_limit',
        'test_tracestate_key_length_limit',
        'test_multiple_requests_with_valid_traceparent',
        'test_propagates_random_flag',
      ]);
    } finally {
      await service.close();
    }
  });

  it("puts the test's header lines on the wire as written: order, duplicates, casing, whitespace, empty values", async () => {
    // A bare TCP server sees the bytes; an HTTP server would already have trimmed and joined them.
    const { url, received, close } = await captureOneRequest();
    const harness = await startTraceContextHarness();
    try {
      const headers = [
        ['TrAcEpArEnT', `\t 00-12345678901234567890123456789012-1234567890123456-01 \t`],
        ['tracestate', ''],
        ['TRACESTATE', 'foo=1'],
        ['tracestate', 'foo=1'],
      ] as const;
      await harness.session(url).request(headers, 0);
      const lines = (await received).split('\r\n');
      const sent = lines.slice(1, lines.indexOf('')).filter((line) => !/^(host|accept|content-type|content-length|connection):/i.test(line));
      expect(sent).toEqual(headers.map(([name, value]) => `${name}: ${value}`));
    } finally {
      await harness.close();
      await close();
    }
  });
});

/** A TCP server that answers one HTTP request with 200 and resolves `received` with its head. */
async function captureOneRequest(): Promise<{ url: string; received: Promise<string>; close(): Promise<void> }> {
  let resolveReceived!: (head: string) => void;
  const received = new Promise<string>((resolve) => (resolveReceived = resolve));
  const server: Server = createServer((socket) => {
    let head = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      head += chunk;
      if (!head.includes('\r\n\r\n')) return;
      resolveReceived(head.slice(0, head.indexOf('\r\n\r\n') + 2));
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/test`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
