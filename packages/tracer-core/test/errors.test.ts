import { describe, expect, it } from 'vitest';
import {
  ExportFailedError,
  InvalidOptionError,
  TimeoutError,
  TraceErrno,
  TracerError,
  TracerErrorCode,
} from '@x/tracer-core';
import { toTracerError } from '@x/tracer-core/internal';

describe('errors', () => {
  it.each([
    [TracerErrorCode.Generic, 9300],
    [TracerErrorCode.SpanNotFound, 9301],
    [TracerErrorCode.ExportFailed, 9302],
    [TracerErrorCode.InvalidSpan, 9303],
    [TracerErrorCode.InvalidOption, 9300],
    [TracerErrorCode.Timeout, 9302],
  ])('%s has errno %i', (code, errno) => {
    expect(new TracerError(code, 'm').errno).toBe(errno);
  });

  it('subclasses fix their code and name and keep the cause', () => {
    const cause = new Error('socket hang up');
    const error = new ExportFailedError('flush failed', { cause });
    expect(error).toBeInstanceOf(TracerError);
    expect(error.code).toBe('ERR_TRACER_EXPORT_FAILED');
    expect(error.errno).toBe(TraceErrno.ExportFailed);
    expect(error.name).toBe('ExportFailedError');
    expect(error.cause).toBe(cause);
    expect(new InvalidOptionError('x').code).toBe('ERR_TRACER_INVALID_OPTION');
    expect(new TimeoutError('x').name).toBe('TimeoutError');
  });

  it('toTracerError wraps foreign errors and keeps ours', () => {
    const ours = new TimeoutError('late');
    expect(toTracerError(ours, 'x')).toBe(ours);
    const wrapped = toTracerError(new Error('boom'), 'export failed');
    expect(wrapped.message).toBe('export failed: boom');
    expect(wrapped.code).toBe('ERR_TRACER_GENERIC');
  });
});

describe('errors from another copy of the package', () => {
  // `?copy` makes Vite load the module a second time: the situation of a plugin that bundles its own core.
  it('instanceof answers alike for errors built by either copy', async () => {
    const secondCopy = '../src/errors.ts?copy';
    const other = (await import(/* @vite-ignore */ secondCopy)) as typeof import('../src/errors.js');
    expect(other.ExportFailedError).not.toBe(ExportFailedError);
    const foreign = new other.ExportFailedError('from the other copy');
    expect(foreign).toBeInstanceOf(ExportFailedError);
    expect(foreign).toBeInstanceOf(TracerError);
    expect(foreign).not.toBeInstanceOf(TimeoutError);
    expect(new ExportFailedError('ours')).toBeInstanceOf(other.TracerError);
    expect(new Error('plain')).not.toBeInstanceOf(TracerError);
    expect(toTracerError(foreign, 'x')).toBe(foreign);
  });

  it('subclasses outside the package are branded too', () => {
    class ReceiverDown extends ExportFailedError {}
    const error = new ReceiverDown('down');
    expect(error).toBeInstanceOf(ReceiverDown);
    expect(error).toBeInstanceOf(ExportFailedError);
    expect(new ExportFailedError('x')).not.toBeInstanceOf(ReceiverDown);
  });
});
