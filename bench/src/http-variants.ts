// The servers the http-server case can measure: imported by the bench and by each server process.

/**
 * `plain`, `ours` and `theirs` are the case; the others split ours into its parts (`--variants`):
 * `plain-als` runs each request's handler in `AsyncLocalStorage.run` (what any context propagation
 * costs), `ours-unsampled` is `instrumentHttp()` with a tracer that samples nothing,
 * `ours-noop-tracer` records through `@x/trace` into a tracer whose methods do nothing,
 * `ours-discard` into the core's buffered tracer with an exporter that throws the spans away.
 * `floor` is no library at all: the least a tracer could do and still export the span
 * (`src/floor-tracing.ts`), what any design has left of the target.
 */
export type ServerVariant = 'plain' | 'plain-als' | 'ours-unsampled' | 'ours-noop-tracer' | 'ours-discard' | 'ours' | 'floor' | 'theirs';

export const SERVER_VARIANTS: readonly ServerVariant[] = ['plain', 'plain-als', 'ours-unsampled', 'ours-noop-tracer', 'ours-discard', 'ours', 'floor', 'theirs'];

/** Whether the variant's spans reach the counting receiver (one a request). */
export const exportsSpans = (variant: ServerVariant) => variant === 'ours' || variant === 'floor' || variant === 'theirs';
