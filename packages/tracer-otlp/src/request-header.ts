import type { AttributeList } from '@x/tracer-core';

/** What every request carries besides the spans: the resource and the instrumentation scope. */
export interface RequestHeader {
  readonly resource: AttributeList;
  readonly scopeName: string;
  readonly scopeVersion: string;
}
