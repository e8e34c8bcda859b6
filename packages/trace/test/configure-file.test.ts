// configure() from a tracing.toml, a document, or the environment (through @x/tracing-config).
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { configure, flush, withSpan } from '@x/trace';
import { createMemoryTracer } from '@x/tracer-memory';
import { startReceiver, type Receiver } from '../../tracer-otlp/test/support/receiver.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  configure({});
  await receiver?.close();
  receiver = undefined;
});

/** The service (the scope of top-level spans) of the records kept since the last call. */
function serviceOfRecords(): string | undefined {
  const scopes = new Set(flush().map((record) => record.scope.name));
  expect(scopes.size).toBe(1);
  return [...scopes][0];
}

/** Waits until the receiver accepted `count` spans (the replaced tracer's final flush delivers them). */
async function accepted(count: number): Promise<string[]> {
  for (let waited = 0; waited < 5000 && receiver!.accepted().length < count; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  return receiver!.accepted();
}

describe('configure(file)', () => {
  it("builds the site's tracer from the file and names the service; a later configure shuts it down (its last spans delivered)", async () => {
    receiver = await startReceiver();
    const dir = mkdtempSync(join(tmpdir(), 'x-trace-config-'));
    const file = join(dir, 'tracing.toml');
    writeFileSync(file, `[observability.traces]\nservice_name = "shop"\n\n[sites.api.observability.traces]\nservice_name = "shop-api"\n\n[sites.api.observability.export]\notlp_endpoint = "${receiver.url}"\notlp_protocol = "http/json"\n`);
    await configure(file, { site: 'api', env: {} });
    await withSpan('GET /orders', () => withSpan('db.query', () => 1));
    expect(serviceOfRecords()).toBe('shop-api');
    configure({});
    expect(await accepted(2)).toEqual(['db.query', 'GET /orders']);
    expect(receiver.requests[0]!.contentType).toBe('application/json');
  });

  it('takes a document shaped as the file, and the environment over it', async () => {
    receiver = await startReceiver();
    await configure({ observability: { traces: { service_name: 'from-document' }, export: { otlp_endpoint: 'http://127.0.0.1:1/v1/traces' } } }, { env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'from-env' } });
    await withSpan('job', () => undefined);
    expect(serviceOfRecords()).toBe('from-env');
    configure({});
    expect(await accepted(1)).toEqual(['job']);
  });

  it('with no argument and no tracing.toml here, uses the environment; with neither, the defaults', async () => {
    receiver = await startReceiver();
    await configure(undefined, { env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'env-only' } });
    await withSpan('from env', () => undefined);
    expect(serviceOfRecords()).toBe('env-only');
    configure({});
    expect(await accepted(1)).toEqual(['from env']);
    await configure(undefined, { env: {} });
    await withSpan('defaults', () => undefined);
    expect(serviceOfRecords()).toBe('unknown_service:node');
  });

  it('with no argument, reads tracing.toml from the working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x-trace-cwd-'));
    writeFileSync(join(dir, 'tracing.toml'), '[observability.traces]\nservice_name = "from-cwd"\n');
    const script = fileURLToPath(new URL('./fixtures/configure-from-cwd.ts', import.meta.url));
    // tsx by its URL: `--import tsx` would be looked up from the working directory.
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', import.meta.resolve('tsx'), script], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([['from the working directory', 'from-cwd']]);
  });

  it('rejects, changing nothing, for a bad file', async () => {
    configure({ service: 'before' });
    const dir = mkdtempSync(join(tmpdir(), 'x-trace-config-'));
    const file = join(dir, 'tracing.toml');
    writeFileSync(file, '[observability.traces]\nsample_rate = 2\n');
    await expect(configure(file, { env: {} })).rejects.toThrow(/tracing\.toml: observability\.traces\.sample_rate: must be a number from 0 to 1/);
    await withSpan('still', () => undefined);
    expect(serviceOfRecords()).toBe('before');
  });
});

describe('configure(file), what a review found', () => {
  const badFile = () => {
    const file = join(mkdtempSync(join(tmpdir(), 'x-trace-config-')), 'tracing.toml');
    writeFileSync(file, '[observability.traces]\nsample_rat = 0.5\n');
    return file;
  };

  it('a rejected configure changes nothing: the tracer before it still gets the spans', async () => {
    const memory = createMemoryTracer();
    configure({ tracer: memory, records: false });
    await expect(configure(badFile(), { env: {} })).rejects.toThrow(/sample_rat: unknown key \(did you mean "sample_rate"\?\)/);
    await withSpan('after', () => undefined);
    expect(memory.drain().map((span) => span.name)).toEqual(['after']);
  });

  it('bad options reject before anything is read or built', async () => {
    await expect(configure(badFile(), { stie: 'api' } as never)).rejects.toThrow(/configure\(file, options\): unknown option "stie"; the options are site, records, env, overrides/);
    await expect(configure(badFile(), { records: { maxRecords: -1 } })).rejects.toThrow(/records\.maxRecords must be a positive integer, got -1/);
  });

  it('the last call wins: a file still building when configure({ tracer }) comes is not applied', async () => {
    receiver = await startReceiver();
    const memory = createMemoryTracer();
    const building = configure({ observability: { export: { otlp_endpoint: receiver.url } } }, { env: {} });
    configure({ tracer: memory, records: false });
    await building;
    await withSpan('which tracer', () => undefined);
    expect(memory.drain().map((span) => span.name)).toEqual(['which tracer']);
  });

  it('programmatic overrides win over the environment and the file', async () => {
    receiver = await startReceiver();
    await configure(
      { observability: { traces: { service_name: 'file' }, export: { otlp_endpoint: receiver.url } } },
      { env: { OTEL_SERVICE_NAME: 'env' }, overrides: { traces: { service_name: 'program' } } },
    );
    await withSpan('x', () => undefined);
    expect(serviceOfRecords()).toBe('program');
  });
});
