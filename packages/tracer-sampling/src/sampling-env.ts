import { InvalidOptionError } from '@x/tracer-core';
import type { SamplingTracerOptions } from './sampling-options.js';

type Env = Readonly<Record<string, string | undefined>>;

type EnvOptions = Pick<SamplingTracerOptions, 'sampleRate' | 'parentBased'>;

/** OpenTelemetry's sampler names, and what each is here; ratio samplers take OTEL_TRACES_SAMPLER_ARG. */
const SAMPLERS: Readonly<Record<string, { readonly sampleRate?: number; readonly parentBased: boolean }>> = {
  always_on: { sampleRate: 1, parentBased: false },
  always_off: { sampleRate: 0, parentBased: false },
  traceidratio: { parentBased: false },
  parentbased_always_on: { sampleRate: 1, parentBased: true },
  parentbased_always_off: { sampleRate: 0, parentBased: true },
  parentbased_traceidratio: { parentBased: true },
};

const UNSUPPORTED = new Set(['jaeger_remote', 'parentbased_jaeger_remote', 'xray']);

/**
 * `sampleRate` and `parentBased` from OpenTelemetry's `OTEL_TRACES_SAMPLER` and
 * `OTEL_TRACES_SAMPLER_ARG`, for `createSamplingTracer(child, { ...samplingOptionsFromEnv(), ...yours })`.
 * Unset or empty: nothing. `traceidratio` and `parentbased_traceidratio` read the ratio from
 * `OTEL_TRACES_SAMPLER_ARG` (default 1); the other samplers ignore it.
 * @throws InvalidOptionError naming the variable, for an unknown or unsupported sampler or a ratio outside 0..1.
 */
export function samplingOptionsFromEnv(env: Env = process.env): EnvOptions {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  if (name === undefined || name === '') return {};
  const sampler = SAMPLERS[name];
  if (sampler === undefined) {
    const known = Object.keys(SAMPLERS).join(', ');
    if (UNSUPPORTED.has(name)) throw new InvalidOptionError(`OTEL_TRACES_SAMPLER=${name} is not supported here; supported: ${known}`);
    throw new InvalidOptionError(`OTEL_TRACES_SAMPLER has ${JSON.stringify(env.OTEL_TRACES_SAMPLER)}; expected one of ${known}`);
  }
  if (sampler.sampleRate !== undefined) return { sampleRate: sampler.sampleRate, parentBased: sampler.parentBased };
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (arg === undefined || arg === '') return { sampleRate: 1, parentBased: sampler.parentBased };
  const ratio = Number(arg);
  if (!(ratio >= 0 && ratio <= 1) || !/^[0-9.eE+-]+$/.test(arg)) {
    throw new InvalidOptionError(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 for ${name} (0.1 keeps one trace in ten), got ${JSON.stringify(arg)}`);
  }
  return { sampleRate: ratio, parentBased: sampler.parentBased };
}
