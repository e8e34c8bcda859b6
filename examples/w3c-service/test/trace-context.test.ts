// The W3C Trace Context harness (our TypeScript port of the official suite: 41 tests at
// STRICT_LEVEL=2, SPEC_LEVEL=2) against the service, whose only trace context handling is
// @x/trace's automatic HTTP instrumentation. No expected failures: every test must pass.
import { afterAll, beforeAll } from 'vitest';
import { startServiceProcess, type ServiceProcess } from './support/service-process.js';
import { describeTraceContextHarness } from './support/trace-context-harness.js';

let service: ServiceProcess;
beforeAll(async () => {
  service = await startServiceProcess();
});
afterAll(() => service?.stop());

describeTraceContextHarness('w3c-service with instrumentHttp()', () => service.url);
