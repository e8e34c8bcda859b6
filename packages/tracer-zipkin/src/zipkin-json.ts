import type { FinishedSpan } from '@x/tracer-core';
import type { RequestEncoder } from '@x/tracer-http/internal';
import { toZipkinSpan, type ZipkinSpanContext } from './zipkin-span.js';

/**
 * The body of `POST /api/v2/spans` (a JSON `ListOfSpans`), encoded in slices for the shared HTTP
 * exporter: each span becomes its JSON text as it is appended, and `end` joins them. Pure.
 */
export function createZipkinJsonEncoder(context: ZipkinSpanContext): RequestEncoder {
  return {
    begin: (): string[] => [],
    append(request, spans: readonly FinishedSpan[], from, to) {
      const parts = request as string[];
      for (let i = from; i < to; i++) parts.push(JSON.stringify(toZipkinSpan(spans[i]!, context)));
    },
    end: (request) => Buffer.from(`[${(request as string[]).join(',')}]`, 'utf8'),
  };
}
