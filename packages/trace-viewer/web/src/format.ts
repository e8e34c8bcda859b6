// Numbers as a developer reads them: durations in the unit that fits, times local.

/** `0.42ms`, `12.3ms`, `1.25s`, `2m 5s`. */
export function formatDuration(millis: number): string {
  if (!Number.isFinite(millis)) return '–';
  if (millis < 1) return `${(millis * 1000).toFixed(0)}µs`;
  if (millis < 10) return `${millis.toFixed(2)}ms`;
  if (millis < 1000) return `${millis.toFixed(millis < 100 ? 1 : 0)}ms`;
  if (millis < 60_000) return `${(millis / 1000).toFixed(2)}s`;
  const minutes = Math.floor(millis / 60_000);
  return `${minutes}m ${Math.round((millis - minutes * 60_000) / 1000)}s`;
}

/** `+12.3ms` / `−4.0ms`: a difference, signed. */
export function formatDelta(millis: number): string {
  if (Math.abs(millis) < 0.0005) return '±0';
  return `${millis < 0 ? '−' : '+'}${formatDuration(Math.abs(millis))}`;
}

/** `3 minutes ago`, from `now` (milliseconds since the epoch). */
export function formatAgo(time: Date, now: number): string {
  const seconds = Math.max(0, Math.round((now - time.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** An attribute value as text: strings as they are, the rest as JSON. */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
