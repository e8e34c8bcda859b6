// Numbers as a developer reads them: durations in the unit that fits, times local.

/**
 * `0.42ms`, `12.3ms`, `1.25s`, `2m 5s`; negative as `−3.00ms`. The unit is picked after rounding,
 * so a value just under a boundary reads as the next unit (`59_999` → `1m 0s`, never `60.00s`).
 */
export function formatDuration(millis: number): string {
  if (!Number.isFinite(millis)) return '–';
  const magnitude = formatMagnitude(Math.abs(millis));
  // A value that rounds to zero has no sign worth showing.
  return millis < 0 && /[1-9]/.test(magnitude) ? `−${magnitude}` : magnitude;
}

function formatMagnitude(millis: number): string {
  const micros = Math.round(millis * 1000);
  if (micros < 1000) return `${micros}µs`;
  const hundredths = Math.round(millis * 100) / 100;
  if (hundredths < 10) return `${hundredths.toFixed(2)}ms`;
  const tenths = Math.round(millis * 10) / 10;
  if (tenths < 100) return `${tenths.toFixed(1)}ms`;
  const whole = Math.round(millis);
  if (whole < 1000) return `${whole}ms`;
  const seconds = Math.round(millis / 10) / 100;
  if (seconds < 60) return `${seconds.toFixed(2)}s`;
  const totalSeconds = Math.round(millis / 1000);
  return `${Math.floor(totalSeconds / 60)}m ${totalSeconds % 60}s`;
}

/** `+3.00ms` / `−3.00ms`: where something lies from a start, which it may precede. */
export function formatOffset(millis: number): string {
  return `${millis < 0 ? '−' : '+'}${formatDuration(Math.abs(millis))}`;
}

/** `+12.3ms` / `−4.0ms`: a difference, signed. */
export function formatDelta(millis: number): string {
  if (Math.abs(millis) < 0.0005) return '±0';
  return formatOffset(millis);
}

/**
 * A clock time to the millisecond in the reader's time zone and locale, as the trace header
 * and the search list show times (`toLocaleString`), so that the two can be read side by side.
 * All fields `numeric`, as `toLocaleTimeString()`'s defaults are: `2-digit` minutes would change
 * the locale's pattern (en-GB's `00:16` becomes `0:16`).
 */
export function formatClockTime(time: Date): string {
  return time.toLocaleTimeString(undefined, { hour: 'numeric', minute: 'numeric', second: 'numeric', fractionalSecondDigits: 3 });
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
