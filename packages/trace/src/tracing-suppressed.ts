/**
 * Whether the code running now asked for no tracing: OpenTelemetry's `suppressTracing(context)`,
 * which exporters and instrumentations use so that their own I/O makes no spans. `@x/trace` has no
 * such context of its own; the OpenTelemetry bridge's context manager installs the check that reads
 * it. Without a bridge nothing is installed and the check costs one comparison.
 */
let check: (() => boolean) | undefined;

/** Installs (or, with undefined, removes) the check. @internal */
export function setTracingSuppressedCheck(next: (() => boolean) | undefined): void {
  check = next;
}

export function tracingSuppressed(): boolean {
  return check !== undefined && check();
}
