import { type AttributeList, type Attributes } from '@x/tracer-core';
import { buildResource as buildSdkResource } from '@x/tracer-core/internal';

export const SDK_NAME = '@x/tracer-otlp';
export const SDK_VERSION = '0.1.0';

/** The resource sent with every request (see the core's `buildResource`), naming this package. */
export function buildResource(serviceName: string | undefined, resourceAttributes: Attributes | undefined): AttributeList {
  return buildSdkResource({ name: SDK_NAME, version: SDK_VERSION }, serviceName, resourceAttributes);
}
