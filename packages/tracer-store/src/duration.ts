import ms from 'ms';

/**
 * Milliseconds from a number of milliseconds or a duration text (`'1000'`, `'1.2s'`, `'250ms'`,
 * `'7d'`); undefined when it is neither, negative or not finite.
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  let millis: unknown;
  try {
    millis = ms(value.trim() as Parameters<typeof ms>[0]);
  } catch {
    return undefined;
  }
  return typeof millis === 'number' && Number.isFinite(millis) && millis >= 0 ? millis : undefined;
}
