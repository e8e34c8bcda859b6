import { basename } from 'node:path';
import { type AttributeList, type AttributeValue, type Attributes } from '@x/tracer-core';
import { normalizeAttributeValue } from '@x/tracer-core/internal';

export const SDK_NAME = '@x/tracer-otlp';
export const SDK_VERSION = '0.1.0';

/**
 * The resource attributes sent with every request: `telemetry.sdk.*`, then `resourceAttributes`,
 * then `service.name` (from `serviceName`, else from `resourceAttributes`, else the spec's default
 * `unknown_service:<executable>`). Invalid values are left out.
 */
export function buildResource(serviceName: string | undefined, resourceAttributes: Attributes | undefined): AttributeList {
  const merged: Record<string, AttributeValue> = {
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': SDK_NAME,
    'telemetry.sdk.version': SDK_VERSION,
  };
  for (const [key, value] of Object.entries(resourceAttributes ?? {})) {
    const normalized = normalizeAttributeValue(value);
    if (normalized !== undefined && key !== '') merged[key] = normalized;
  }
  merged['service.name'] = serviceName ?? (typeof merged['service.name'] === 'string' ? merged['service.name'] : `unknown_service:${basename(process.argv0)}`);
  return Object.entries(merged).flat();
}

