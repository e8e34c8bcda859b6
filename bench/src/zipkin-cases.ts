// Encoding a Zipkin v2 JSON request: ours against OpenTelemetry's Zipkin exporter, whose
// `toZipkinSpan` plus `JSON.stringify` is the work its `ZipkinExporter` does before sending.
import { toZipkinSpan as theirsToZipkinSpan, defaultStatusCodeTagName, defaultStatusErrorTagName } from '@opentelemetry/exporter-zipkin/build/src/transform.js';
import { encodeAll } from '@x/tracer-otlp';
import { createZipkinJsonEncoder } from '@x/tracer-zipkin/internal';
import { check, type BenchCase } from './harness.js';
import { BATCH, compareEncoders, oursSpans, RESOURCE, theirsSpans } from './pipeline-cases.js';

export const encodeZipkin: BenchCase = {
  id: 'encode-zipkin',
  async run(context) {
    const serviceName = RESOURCE['service.name'];
    const encoder = createZipkinJsonEncoder({ localEndpoint: { serviceName }, resourceTags: {}, scope: { name: 'bench', version: '1.0.0' } });
    const ours = oursSpans(BATCH);
    const theirs = theirsSpans(BATCH);
    check('theirs spans', theirs.length, BATCH);
    return compareEncoders(
      this.id,
      context,
      () => encodeAll(encoder, ours).length,
      // Theirs ends with a string that `req.write(payload, 'utf8')` converts; ours with the Buffer our
      // transport writes: theirs gets the same last step.
      () => {
        const body = JSON.stringify(theirs.map((span) => theirsToZipkinSpan(span, serviceName, defaultStatusCodeTagName, defaultStatusErrorTagName)));
        return Buffer.from(body, 'utf8').length;
      },
    );
  },
};
