import { describe, expect, it } from 'vitest';
import { grpcCodeName, grpcTimeoutHeader, isRetryableGrpcCode, retryDelayFromStatusDetails } from '../src/grpc-status.js';
import { statusWithRetryInfo } from './support/grpc-receiver.js';

describe('isRetryableGrpcCode', () => {
  // The OTLP specification's table: retryable or not, per code, and RESOURCE_EXHAUSTED only with RetryInfo.
  it.each([
    [0, false, false],
    [1, false, true],
    [2, false, false],
    [3, false, false],
    [4, false, true],
    [5, false, false],
    [7, false, false],
    [8, false, false],
    [8, true, true],
    [9, false, false],
    [10, false, true],
    [11, false, true],
    [12, false, false],
    [13, false, false],
    [14, false, true],
    [15, false, true],
    [16, false, false],
  ])('code %i with RetryInfo %s: %s', (code, hasRetryInfo, retryable) => {
    expect(isRetryableGrpcCode(code, hasRetryInfo)).toBe(retryable);
  });
});

describe('retryDelayFromStatusDetails', () => {
  it.each([
    [statusWithRetryInfo(8, 1500).toString('base64'), 1500],
    [statusWithRetryInfo(8, 0).toString('base64'), 0],
    [statusWithRetryInfo(8, 42_250).toString('base64'), 42_250],
    [[statusWithRetryInfo(8, 10).toString('base64')], 10],
    [undefined, undefined],
    ['', undefined],
    ['////', undefined],
    [Buffer.from([0x0a, 0x05]).toString('base64'), undefined],
  ])('%o gives %s ms', (value, millis) => {
    expect(retryDelayFromStatusDetails(value)).toBe(millis);
  });
});

describe('grpcTimeoutHeader', () => {
  it.each([
    [0, '1m'],
    [0.2, '1m'],
    [1500.5, '1501m'],
    [99_999_999, '99999999m'],
    [2_147_483_647, '2147484S'],
  ])('%s ms is %s (at most 8 digits)', (millis, header) => {
    expect(grpcTimeoutHeader(millis)).toBe(header);
  });
});

it('names codes as the gRPC specification does, and unknown ones by number', () => {
  expect([grpcCodeName(3), grpcCodeName(16), grpcCodeName(99)]).toEqual(['INVALID_ARGUMENT', 'UNAUTHENTICATED', 'CODE_99']);
});
