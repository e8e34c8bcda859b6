import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '@x/tracer-core';
import { createMemoryTracer } from '@x/tracer-memory';
import { createSamplingTracer, samplingOptionsFromEnv } from '@x/tracer-sampling';
import { resolveSamplingOptions } from '../src/sampling-options.js';

describe('options', () => {
  it('applies the defaults and reads durations as milliseconds or text', () => {
    expect(resolveSamplingOptions(undefined)).toMatchObject({
      name: 'sampling',
      sampleRate: 1,
      slowThresholdMillis: 1000,
      parentBased: true,
      thresholdPrecision: 4,
      decisionWaitMillis: 30_000,
      maxPendingTraces: 10_000,
      maxPendingSpans: 100_000,
      maxSpansPerTrace: 1000,
    });
    expect(resolveSamplingOptions({ slowThreshold: '250ms', decisionWait: '2m' })).toMatchObject({ slowThresholdMillis: 250, decisionWaitMillis: 120_000 });
    expect(resolveSamplingOptions({ slowThreshold: 1500 }).slowThresholdMillis).toBe(1500);
    expect([...resolveSamplingOptions({ alwaysSample: ['errors', 'slow_requests'] }).alwaysSample]).toEqual(['errors', 'slow_requests']);
  });

  it.each([
    [{ sampleRate: 1.5 }, /sampleRate must be a number from 0 to 1.*got 1\.5/],
    [{ sampleRate: '0.1' }, /sampleRate must be a number from 0 to 1/],
    [{ alwaysSample: ['errors', 'slow'] }, /alwaysSample has "slow": the rules are 'errors' and 'slow_requests'/],
    [{ alwaysSample: 'errors' }, /alwaysSample must be an array/],
    [{ slowThreshold: 'soon' }, /slowThreshold must be milliseconds or a duration such as '1s'/],
    [{ slowThreshold: '' }, /slowThreshold must be milliseconds or a duration such as '1s'.*got ""/],
    [{ decisionWait: ' ' }, /decisionWait must be milliseconds or a duration/],
    [{ slowThreshold: -5 }, /slowThreshold must be a non-negative number of milliseconds/],
    [{ decisionWait: 0 }, /decisionWait must be longer than 0/],
    [{ thresholdPrecision: 15 }, /thresholdPrecision must be an integer from 1 to 14/],
    [{ maxPendingTraces: 0 }, /maxPendingTraces must be a positive integer/],
    [{ parentBased: 'yes' }, /parentBased must be true or false/],
    [{ sampleRat: 0.1 }, /unknown option "sampleRat"; the options are name, sampleRate/],
  ])('rejects %j', (options, message) => {
    expect(() => createSamplingTracer(createMemoryTracer(), options as never)).toThrow(InvalidOptionError);
    expect(() => createSamplingTracer(createMemoryTracer(), options as never)).toThrow(message);
  });

  it('rejects a child that is not a plugin', () => {
    expect(() => createSamplingTracer({} as never)).toThrow(/child is not a TracerPlugin: startSpan is not a function/);
  });

  it('is a head sampler without alwaysSample or at rate 1, a tail sampler otherwise', () => {
    expect(createSamplingTracer(createMemoryTracer(), { sampleRate: 0.5 }).stats().sampling.mode).toBe('head');
    expect(createSamplingTracer(createMemoryTracer(), { sampleRate: 1, alwaysSample: ['errors'] }).stats().sampling.mode).toBe('head');
    const tail = createSamplingTracer(createMemoryTracer(), { sampleRate: 0.5, alwaysSample: ['errors'] });
    expect(tail.stats().sampling.mode).toBe('tail');
    void tail.shutdown();
  });
});

describe('samplingOptionsFromEnv', () => {
  it.each([
    [{}, {}],
    [{ OTEL_TRACES_SAMPLER: '' }, {}],
    [{ OTEL_TRACES_SAMPLER: 'always_on' }, { sampleRate: 1, parentBased: false }],
    [{ OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_SAMPLER_ARG: 'ignored' }, { sampleRate: 0, parentBased: false }],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }, { sampleRate: 0.25, parentBased: false }],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio' }, { sampleRate: 1, parentBased: false }],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }, { sampleRate: 1, parentBased: true }],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }, { sampleRate: 0, parentBased: true }],
    [{ OTEL_TRACES_SAMPLER: ' ParentBased_TraceIdRatio ', OTEL_TRACES_SAMPLER_ARG: '1e-2' }, { sampleRate: 0.01, parentBased: true }],
  ])('%j gives %j', (env, options) => {
    expect(samplingOptionsFromEnv(env)).toEqual(options);
  });

  it.each([
    [{ OTEL_TRACES_SAMPLER: 'ratio' }, /OTEL_TRACES_SAMPLER has "ratio"; expected one of always_on, always_off, traceidratio/],
    [{ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, /OTEL_TRACES_SAMPLER=jaeger_remote is not supported here/],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, /OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 for traceidratio.*"1\.5"/],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: 'ten percent' }, /OTEL_TRACES_SAMPLER_ARG must be a ratio/],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0x1' }, /OTEL_TRACES_SAMPLER_ARG must be a ratio/],
  ])('%j is an error naming the variable', (env, message) => {
    expect(() => samplingOptionsFromEnv(env)).toThrow(InvalidOptionError);
    expect(() => samplingOptionsFromEnv(env)).toThrow(message);
  });

  it('reads process.env by default, and feeds createSamplingTracer', () => {
    const saved = { ...process.env };
    try {
      process.env.OTEL_TRACES_SAMPLER = 'traceidratio';
      process.env.OTEL_TRACES_SAMPLER_ARG = '0';
      const sampler = createSamplingTracer(createMemoryTracer(), { ...samplingOptionsFromEnv() });
      expect(sampler.startSpan({ name: 'root' }).spanId).toBe('0000000000000000');
    } finally {
      process.env = saved;
    }
  });
});
