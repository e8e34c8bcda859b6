import { InvalidOptionError } from '@x/tracer-core';
import { durationMillis } from '@x/tracer-core/internal';
import type { ZipkinTracerOptions } from './zipkin-options.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Options from the environment variables OpenTelemetry defines for Zipkin, for
 * `createZipkinTracer({ ...zipkinOptionsFromEnv(), ...yours })`: `OTEL_EXPORTER_ZIPKIN_ENDPOINT`
 * (the full span URL), `OTEL_EXPORTER_ZIPKIN_TIMEOUT` (milliseconds) and `OTEL_SERVICE_NAME`.
 * Only variables that are set (not blank) appear. Reads `env` only when called.
 *
 * @throws InvalidOptionError naming the variable whose value cannot be used.
 */
export function zipkinOptionsFromEnv(env: Env = process.env): Partial<ZipkinTracerOptions> {
  const options: { -readonly [K in keyof ZipkinTracerOptions]?: ZipkinTracerOptions[K] } = {};
  const endpoint = env.OTEL_EXPORTER_ZIPKIN_ENDPOINT?.trim();
  if (endpoint) {
    if (!URL.canParse(endpoint) || !/^https?:$/.test(new URL(endpoint).protocol)) {
      throw new InvalidOptionError(`OTEL_EXPORTER_ZIPKIN_ENDPOINT must be an absolute http: or https: URL`);
    }
    options.url = endpoint;
  }
  const timeout = env.OTEL_EXPORTER_ZIPKIN_TIMEOUT?.trim();
  if (timeout) {
    if (!/^\d+$/.test(timeout)) throw new InvalidOptionError(`OTEL_EXPORTER_ZIPKIN_TIMEOUT must be a whole number of milliseconds, got "${timeout}"`);
    options.timeoutMillis = durationMillis('OTEL_EXPORTER_ZIPKIN_TIMEOUT', Number(timeout), 10_000);
  }
  const service = env.OTEL_SERVICE_NAME?.trim();
  if (service) options.serviceName = service;
  return options;
}
