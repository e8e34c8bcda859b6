import { normalizeAttributeValue, type AttributeValue, type Attributes } from './attributes.js';
import type { AttributeList } from './finished-span.js';

/** Who wrote a resource: the exporter package that sends or stores the spans. */
export interface ResourceSdk {
  readonly name: string;
  readonly version: string;
}

/**
 * The resource attributes an exporter attaches to every span: `telemetry.sdk.*` (naming `sdk`),
 * then `resourceAttributes`, then `service.name` (from `serviceName`, else from
 * `resourceAttributes`, else OpenTelemetry's default `unknown_service:<executable>`). Invalid values
 * are left out.
 */
export function buildResource(sdk: ResourceSdk, serviceName: string | undefined, resourceAttributes: Attributes | undefined): AttributeList {
  const merged: Record<string, AttributeValue> = {
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': sdk.name,
    'telemetry.sdk.version': sdk.version,
  };
  for (const [key, value] of Object.entries(resourceAttributes ?? {})) {
    const normalized = normalizeAttributeValue(value);
    if (normalized !== undefined && key !== '') merged[key] = normalized;
  }
  merged['service.name'] = serviceName ?? (typeof merged['service.name'] === 'string' ? merged['service.name'] : `unknown_service:${executableName()}`);
  return Object.entries(merged).flat();
}

/** The executable's file name (`node`), without importing node:path into the core. */
function executableName(): string {
  return process.argv0.split(/[\\/]/).pop() ?? process.argv0;
}
