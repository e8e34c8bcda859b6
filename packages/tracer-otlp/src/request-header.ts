import type { AttributeList } from '@x/tracer-core';

/** What every request carries besides the spans: the resource, and the scope of spans without one. */
export interface RequestHeader {
  readonly resource: AttributeList;
  /** The instrumentation scope of spans that have none (`FinishedSpan.scope` undefined). */
  readonly scopeName: string;
  /** '' for none. */
  readonly scopeVersion: string;
}
