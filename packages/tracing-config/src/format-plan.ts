import type { ExporterPlan, TracingPlan } from './plan.js';
import { withoutCredentials } from './sections.js';

const REDACTED = '[redacted]';
/** Option names whose values are secrets in a plugin's options table. */
const SECRET_NAME = /key|token|secret|password|passwd|auth|credential|cookie|signature/i;

/** A URL with its credentials replaced. */
function safeUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.username === '' && url.password === '') return text;
    url.username = REDACTED;
    url.password = '';
    return url.href;
  } catch {
    return text;
  }
}

/** A plugin option's value for printing: secret-looking names redacted at any depth, URL credentials in any string. */
function safeValue(key: string, value: unknown): unknown {
  if (SECRET_NAME.test(key)) return REDACTED;
  if (typeof value === 'string') return withoutCredentials(value);
  if (Array.isArray(value)) return value.map((item) => safeValue('', item));
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([inner, item]) => [inner, safeValue(inner, item)]));
  }
  return value;
}

function safeOptions(options: Readonly<Record<string, unknown>>): string {
  const shown = Object.entries(options).map(([key, value]) => `${key}=${JSON.stringify(safeValue(key, value))}`);
  return shown.length === 0 ? 'no options' : shown.join(', ');
}

function exporterLine(exporter: ExporterPlan): string {
  switch (exporter.kind) {
    case 'otlp': {
      const headers = Object.keys(exporter.headers);
      const extras = [
        headers.length > 0 ? `headers ${headers.map((name) => `${name}=${REDACTED}`).join(', ')}` : undefined,
        exporter.compression === undefined ? undefined : `compression ${exporter.compression}`,
        exporter.timeoutMillis === undefined ? undefined : `timeout ${exporter.timeoutMillis} ms`,
      ].filter((extra) => extra !== undefined);
      return `${exporter.name.padEnd(8)} OTLP ${exporter.protocol} to ${safeUrl(exporter.endpoint)}${extras.length > 0 ? `; ${extras.join('; ')}` : ''}`;
    }
    case 'zipkin':
      return `${'zipkin'.padEnd(8)} Zipkin v2 JSON to ${safeUrl(exporter.endpoint)}`;
    case 'stdout':
      return `${'stdout'.padEnd(8)} ${exporter.format}`;
    case 'plugin':
      return `${exporter.name.padEnd(8)} plugin ${exporter.package !== undefined ? `package ${exporter.package}` : `path ${exporter.path}`} (${safeOptions(exporter.options)})`;
  }
}

/**
 * The plan as text for a terminal: the site, service and resource, sampling, each exporter, the
 * warnings, and where each setting came from. Header values, URL credentials and plugin options
 * whose names look secret (key, token, secret, password, auth, ...) are printed as `[redacted]`.
 */
export function formatPlan(plan: TracingPlan): string {
  const lines = [`site ${plan.site ?? '(top level)'} from ${plan.source}`];
  lines.push(`  service    ${plan.serviceName}`);
  const resource = Object.entries(plan.resourceAttributes);
  if (resource.length > 0) lines.push(`  resource   ${resource.map(([key, value]) => `${key}=${String(value)}`).join(', ')}`);
  const sampling = plan.sampling;
  if (sampling === undefined) lines.push('  sampling   none: every trace is kept');
  else {
    const rules = sampling.alwaysSample.length === 0 ? 'head sampling' : `tail sampling, always keeping ${sampling.alwaysSample.join(' and ')}`;
    const slow = sampling.alwaysSample.includes('slow_requests') ? `, slow over ${sampling.slowThresholdMillis} ms` : '';
    lines.push(`  sampling   rate ${sampling.sampleRate}, ${rules}${slow}${sampling.parentBased ? ', following remote parents' : ''}`);
  }
  if (plan.exporters.length === 0) lines.push('  exporters  none');
  else {
    lines.push(`  exporters  ${plan.exporters.length === 1 ? 'one' : `${plan.exporters.length}, in a fan-out`}${sampling === undefined ? '' : ', behind the sampler'}`);
    for (const exporter of plan.exporters) lines.push(`    ${exporterLine(exporter)}`);
  }
  for (const warning of plan.warnings) lines.push(`  warning    ${warning}`);
  const origins = [...plan.origins].filter(([, origin]) => origin !== 'file');
  if (origins.length > 0) lines.push(`  overridden ${origins.map(([key, origin]) => `${key} by ${origin}`).join(', ')}`);
  return lines.join('\n');
}
