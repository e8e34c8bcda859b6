import { ConfigError } from './config-error.js';
import { didYouMean } from './did-you-mean.js';
import { sectionsFromEnv } from './environment.js';
import { readExport, readTraces, withoutCredentials, type ExportSection, type OtlpProtocol, type Sections, type TracesSection } from './sections.js';
import type { TracingConfig } from './tracing-config.js';

/** How a site samples; absent from a plan that keeps every trace (rate 1, no tail rules). */
export interface SamplingPlan {
  readonly sampleRate: number;
  readonly alwaysSample: readonly ('errors' | 'slow_requests')[];
  readonly slowThresholdMillis: number;
  readonly parentBased: boolean;
  readonly decisionWaitMillis: number | undefined;
  readonly maxPendingTraces: number | undefined;
}

/** One backend of a site. Several become a fan-out; sampling wraps them. */
export type ExporterPlan =
  | {
      readonly kind: 'otlp';
      /** `otlp`, or `jaeger` for `jaeger_endpoint` (Jaeger receives OTLP). */
      readonly name: 'otlp' | 'jaeger';
      readonly endpoint: string;
      readonly protocol: OtlpProtocol;
      readonly headers: Readonly<Record<string, string>>;
      readonly compression: 'gzip' | 'none' | undefined;
      readonly timeoutMillis: number | undefined;
    }
  | { readonly kind: 'zipkin'; readonly name: 'zipkin'; readonly endpoint: string }
  | { readonly kind: 'stdout'; readonly name: 'stdout'; readonly format: 'pretty' | 'json' }
  | {
      readonly kind: 'plugin';
      readonly name: string;
      readonly package: string | undefined;
      readonly path: string | undefined;
      readonly options: Readonly<Record<string, unknown>>;
      readonly keyPath: string;
    };

/** What a site gets, resolved from every layer: which tracers, sampling, endpoints. Print it with `formatPlan` (secrets redacted). */
export interface TracingPlan {
  /** The configuration file (absolute path), `<object>`, or `<environment>` when there was none. */
  readonly source: string;
  /** Where plugins are resolved from: the file, or undefined (the working directory). */
  readonly file: string | undefined;
  readonly site: string | undefined;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string | number | boolean>>;
  readonly sampling: SamplingPlan | undefined;
  readonly exporters: readonly ExporterPlan[];
  /** Things that work but are probably not what was meant (a legacy Jaeger URL, no exporter). */
  readonly warnings: readonly string[];
  /** Where each key that is set came from: `file`, `site <name>`, `env <VARIABLE>`, `options`. */
  readonly origins: ReadonlyMap<string, string>;
}

/** What overrides the file: programmatic options (highest), then the environment. */
export interface ResolveOptions {
  /** The site whose sections override the top level. Must be one of the file's `[sites.<name>]`. */
  readonly site?: string;
  /** The environment (`OTEL_*`, see the README). @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Programmatic options, shaped as the file's sections (`{ traces: { sample_rate: 0.5 } }`): they win over everything. */
  readonly overrides?: { readonly traces?: unknown; readonly export?: unknown };
}

const DEFAULT_SERVICE = 'unknown_service:node';
const EMPTY: Sections = { traces: {}, export: {} };

/**
 * Resolves `config` (undefined: no file) for `options.site` into a plan. Precedence, highest first:
 * programmatic overrides, the environment, the site's sections, the file's top-level sections.
 * @throws ConfigError for an unknown site, a bad override or a bad environment variable.
 */
export function resolvePlan(config: TracingConfig | undefined, options: ResolveOptions = {}): TracingPlan {
  const source = config?.source ?? '<environment>';
  const site = options.site;
  let siteSections = EMPTY;
  if (site !== undefined) {
    const known = [...(config?.sites.keys() ?? [])];
    const found = config?.sites.get(site);
    if (found === undefined) throw new ConfigError(source, 'sites', `no site "${site}"${didYouMean(site, known)}; the sites are ${known.length === 0 ? 'none' : known.join(', ')}`);
    siteSections = found;
  }
  const declared = [...(config?.plugins.keys() ?? [])];
  const overrides = options.overrides ?? {};
  const programmatic: Sections = {
    traces: overrides.traces === undefined ? {} : readTraces({ file: '<options>', keyPath: 'traces' }, overrides.traces),
    export: overrides.export === undefined ? {} : readExport({ file: '<options>', keyPath: 'export' }, overrides.export, declared),
  };
  const environment = sectionsFromEnv(options.env ?? process.env);
  const origins = new Map<string, string>();
  const layers: [Sections, (key: string) => string][] = [
    [config?.top ?? EMPTY, () => 'file'],
    [siteSections, () => `site ${site}`],
    [environment.sections, (key) => environment.origins.get(key)!],
    [programmatic, () => 'options'],
  ];
  const traces = merge<TracesSection>(layers.map(([sections, origin]) => [sections.traces, (key: string) => origin(`traces.${key}`)]), 'traces', origins);
  const exports = merge<ExportSection>(layers.map(([sections, origin]) => [sections.export, (key: string) => origin(`export.${key}`)]), 'export', origins);
  const warnings: string[] = [];
  const exporters = planExporters(exports, config, warnings);
  if (exporters.length === 0) warnings.push('no exporter is configured: spans go nowhere but the application\'s own records');
  return {
    source,
    file: config?.file,
    site,
    serviceName: traces.service_name ?? DEFAULT_SERVICE,
    resourceAttributes: traces.resource_attributes ?? {},
    sampling: planSampling(traces),
    exporters,
    warnings,
    origins,
  };
}

/**
 * Later layers win key by key; the tables (resource attributes, headers) merge key by key too. A
 * layer that sets `otlp_endpoint` drops the headers of the layers below it: headers (credentials,
 * often) go only to the endpoint they were written for.
 */
function merge<T extends object>(layers: [T, (key: string) => string][], prefix: string, origins: Map<string, string>): T {
  const out: Record<string, unknown> = {};
  for (const [section, origin] of layers) {
    if ('otlp_endpoint' in section && out.otlp_headers !== undefined) {
      delete out.otlp_headers;
      origins.delete(`${prefix}.otlp_headers`);
    }
    for (const [key, value] of Object.entries(section)) {
      const mergesTables = key === 'resource_attributes' || key === 'otlp_headers';
      out[key] = mergesTables ? { ...(out[key] as object | undefined), ...(value as object) } : value;
      origins.set(`${prefix}.${key}`, origin(key));
    }
  }
  return out as T;
}

function planSampling(traces: TracesSection): SamplingPlan | undefined {
  const sampleRate = traces.sample_rate ?? 1;
  const alwaysSample = traces.always_sample ?? [];
  if (sampleRate === 1 && alwaysSample.length === 0) return undefined;
  return {
    sampleRate,
    alwaysSample,
    slowThresholdMillis: traces.slow_threshold ?? 1000,
    parentBased: traces.parent_based ?? true,
    decisionWaitMillis: traces.decision_wait,
    maxPendingTraces: traces.max_pending_traces,
  };
}

function planExporters(section: ExportSection, config: TracingConfig | undefined, warnings: string[]): ExporterPlan[] {
  const exporters: ExporterPlan[] = [];
  if (typeof section.otlp_endpoint === 'string') {
    exporters.push({
      kind: 'otlp',
      name: 'otlp',
      endpoint: section.otlp_endpoint,
      protocol: section.otlp_protocol ?? 'http/protobuf',
      headers: section.otlp_headers ?? {},
      compression: section.otlp_compression,
      timeoutMillis: section.otlp_timeout,
    });
  }
  if (typeof section.jaeger_endpoint === 'string') {
    exporters.push({ kind: 'otlp', name: 'jaeger', endpoint: jaegerOtlpEndpoint(section.jaeger_endpoint, warnings), protocol: 'http/protobuf', headers: {}, compression: undefined, timeoutMillis: undefined });
  }
  if (typeof section.zipkin_endpoint === 'string') exporters.push({ kind: 'zipkin', name: 'zipkin', endpoint: section.zipkin_endpoint });
  if (section.stdout !== undefined && section.stdout !== false) exporters.push({ kind: 'stdout', name: 'stdout', format: section.stdout });
  const plugins = section.plugins ?? [...(config?.plugins.keys() ?? [])];
  for (const name of plugins) {
    const plugin = config!.plugins.get(name)!;
    exporters.push({ kind: 'plugin', name, package: plugin.package, path: plugin.path, options: plugin.options, keyPath: plugin.keyPath });
  }
  return exporters;
}

/**
 * Jaeger has received OTLP since 1.35 (gRPC 4317, HTTP 4318). Its Thrift collector
 * (`:14268/api/traces`, as in the FORGE document) takes Thrift only and answers OTLP with an error,
 * so such a URL is sent to the same host's OTLP/HTTP port and signal path, keeping its credentials,
 * its path prefix (a proxy's `/jaeger`) and its query, with a warning that says so. A URL with no
 * path gets OTLP's `/v1/traces`; any other is used as it is.
 */
function jaegerOtlpEndpoint(endpoint: string, warnings: string[]): string {
  const url = new URL(endpoint);
  const thrift = url.port === '14268' || url.pathname.endsWith('/api/traces');
  if (!thrift) {
    if (url.pathname !== '/') return endpoint;
    url.pathname = '/v1/traces';
    return url.href;
  }
  if (url.port === '14268') url.port = '4318';
  url.pathname = url.pathname.endsWith('/api/traces') ? `${url.pathname.slice(0, -'/api/traces'.length)}/v1/traces` : '/v1/traces';
  const otlp = url.href;
  warnings.push(
    `jaeger_endpoint ${withoutCredentials(endpoint)} is Jaeger's legacy Thrift collector, which does not take OTLP: spans go to ${withoutCredentials(otlp)}, OTLP/HTTP (Jaeger has received OTLP since 1.35)`,
  );
  return otlp;
}
