export { ConfigError } from './config-error.js';
export { loadConfig, parseConfig, configFromObject, type TracingConfig, type PluginTable } from './tracing-config.js';
export { resolvePlan, type TracingPlan, type ExporterPlan, type SamplingPlan, type ResolveOptions } from './plan.js';
export { formatPlan } from './format-plan.js';
export { buildTracer } from './build-tracer.js';
export { loadPlugin, type PluginContext, type PluginSpec } from './plugin-loader.js';
export { ENVIRONMENT_VARIABLES } from './environment.js';
export type { TracesSection, ExportSection, Sections } from './sections.js';
