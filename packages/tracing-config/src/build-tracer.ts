import type { TracerPlugin } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createOtlpTracer } from '@x/tracer-otlp';
import { createSamplingTracer } from '@x/tracer-sampling';
import { createStdoutTracer } from '@x/tracer-stdout';
import { createZipkinTracer } from '@x/tracer-zipkin';
import { ConfigError } from './config-error.js';
import type { ExporterPlan, TracingPlan } from './plan.js';
import { loadPlugin } from './plugin-loader.js';

/**
 * The site's tracer for `plan`: one tracer per exporter (several in a fan-out), behind the sampler
 * when the plan samples; undefined when the plan has no exporter. All or nothing: when a part
 * cannot be built (a plugin that does not load, a backend that refuses a setting), what was built
 * is shut down and the error says which part and why.
 * @throws ConfigError naming the key (or plugin) and what to do.
 */
export async function buildTracer(plan: TracingPlan): Promise<TracerPlugin | undefined> {
  const built: TracerPlugin[] = [];
  try {
    for (const exporter of plan.exporters) built.push(await buildExporter(exporter, plan));
    if (built.length === 0) return undefined;
    const combined = built.length === 1 ? built[0]! : createFanoutTracer(built, { name: plan.site === undefined ? 'exporters' : `${plan.site} exporters` });
    return plan.sampling === undefined ? combined : sampler(combined, plan);
  } catch (error) {
    await Promise.allSettled(built.map((tracer) => Promise.resolve().then(() => tracer.shutdown?.({ timeoutMillis: 0 }) ?? tracer.flush())));
    throw error instanceof ConfigError ? error : new ConfigError(plan.source, '', `building the tracers failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function sampler(child: TracerPlugin, plan: TracingPlan): TracerPlugin {
  const sampling = plan.sampling!;
  return createSamplingTracer(child, {
    sampleRate: sampling.sampleRate,
    alwaysSample: sampling.alwaysSample,
    slowThreshold: sampling.slowThresholdMillis,
    parentBased: sampling.parentBased,
    ...(sampling.decisionWaitMillis === undefined ? {} : { decisionWait: sampling.decisionWaitMillis }),
    ...(sampling.maxPendingTraces === undefined ? {} : { maxPendingTraces: sampling.maxPendingTraces }),
  });
}

/** The file and key path where an export key was set: the file's, a site's, a variable, an option. */
function whereSet(plan: TracingPlan, key: string): { file: string; keyPath: string } {
  const from = plan.origins.get(`export.${key}`) ?? 'file';
  if (from.startsWith('site ')) return { file: plan.source, keyPath: `sites.${from.slice(5)}.observability.export.${key}` };
  if (from.startsWith('env ')) return { file: '<environment>', keyPath: from.slice(4) };
  if (from === 'options') return { file: '<options>', keyPath: `export.${key}` };
  return { file: plan.source, keyPath: `observability.export.${key}` };
}

function configError(plan: TracingPlan, key: string, problem: string, cause?: unknown): ConfigError {
  const { file, keyPath } = whereSet(plan, key);
  return new ConfigError(file, keyPath, problem, cause === undefined ? undefined : { cause });
}

/** The key whose section an exporter comes from: where an error about it points. */
const SECTION_KEY = { otlp: 'otlp_endpoint', jaeger: 'jaeger_endpoint', zipkin: 'zipkin_endpoint', stdout: 'stdout' } as const;

async function buildExporter(exporter: ExporterPlan, plan: TracingPlan): Promise<TracerPlugin> {
  if (exporter.kind === 'plugin') return buildBackend(exporter, plan); // the loader's errors name the plugin's table
  try {
    return await buildBackend(exporter, plan);
  } catch (error) {
    // An option the schema let through and the backend refused (a header HTTP/2 forbids, say).
    const key = SECTION_KEY[exporter.name as keyof typeof SECTION_KEY];
    throw configError(plan, key, `the ${exporter.name} exporter refused its settings: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

async function buildBackend(exporter: ExporterPlan, plan: TracingPlan): Promise<TracerPlugin> {
  const resource = { serviceName: plan.serviceName, resourceAttributes: plan.resourceAttributes };
  switch (exporter.kind) {
    case 'otlp':
      return createOtlpTracer({
        name: exporter.name,
        url: exporter.endpoint,
        protocol: exporter.protocol,
        headers: exporter.headers,
        ...(exporter.compression === undefined ? {} : { compression: exporter.compression }),
        ...(exporter.timeoutMillis === undefined ? {} : { timeoutMillis: exporter.timeoutMillis }),
        ...resource,
      });
    case 'zipkin':
      return createZipkinTracer({ url: exporter.endpoint, ...resource });
    case 'stdout':
      return createStdoutTracer({ format: exporter.format });
    case 'plugin':
      return loadPlugin(
        { name: exporter.name, package: exporter.package, path: exporter.path, options: exporter.options, keyPath: exporter.keyPath, file: plan.file },
        { name: exporter.name, site: plan.site, serviceName: plan.serviceName, resourceAttributes: plan.resourceAttributes, configFile: plan.file },
      );
  }
}

