import type { TracerPlugin } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createOtlpTracer } from '@x/tracer-otlp';
import { createSamplingTracer } from '@x/tracer-sampling';
import { createStdoutTracer } from '@x/tracer-stdout';
import { ConfigError } from './config-error.js';
import type { ExporterPlan, TracingPlan } from './plan.js';
import { loadPlugin } from './plugin-loader.js';

/** The packages of backends this project ships separately, loaded when a plan names them. */
const ZIPKIN_PACKAGE = '@x/tracer-zipkin';

/**
 * The site's tracer for `plan`: one tracer per exporter (several in a fan-out), behind the sampler
 * when the plan samples; undefined when the plan has no exporter. All or nothing: when a part
 * cannot be built (a plugin that does not load, a backend not installed), what was built is shut
 * down and the error says which part and why.
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

async function buildExporter(exporter: ExporterPlan, plan: TracingPlan): Promise<TracerPlugin> {
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
      return buildZipkin(exporter.endpoint, plan);
    case 'stdout':
      return createStdoutTracer({ format: exporter.format });
    case 'plugin':
      return loadPlugin(
        { name: exporter.name, package: exporter.package, path: exporter.path, options: exporter.options, keyPath: exporter.keyPath, file: plan.file },
        { name: exporter.name, site: plan.site, serviceName: plan.serviceName, resourceAttributes: plan.resourceAttributes, configFile: plan.file },
      );
  }
}

async function buildZipkin(endpoint: string, plan: TracingPlan): Promise<TracerPlugin> {
  let module: { createZipkinTracer?: (options: object) => TracerPlugin };
  try {
    // A variable, so that the type checker does not look for a package that may not be installed.
    const specifier: string = ZIPKIN_PACKAGE;
    module = (await import(specifier)) as typeof module;
  } catch (error) {
    throw configError(plan, 'zipkin_endpoint', `needs the package ${ZIPKIN_PACKAGE}, which is not installed here: npm install ${ZIPKIN_PACKAGE}`, error);
  }
  if (typeof module.createZipkinTracer !== 'function') throw configError(plan, 'zipkin_endpoint', `${ZIPKIN_PACKAGE} has no createZipkinTracer: update it`);
  return module.createZipkinTracer({ url: endpoint, serviceName: plan.serviceName, resourceAttributes: plan.resourceAttributes });
}
