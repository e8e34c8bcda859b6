import { createContext } from 'preact';

// One color per service, the same on every page and every load: a hash of the name picks from a
// palette whose mid lightness reads on the light and the dark theme alike. No red: red means error.
const PALETTE = [
  '#3b82f6', '#f59e0b', '#10b981', '#a855f7', '#ec4899', '#06b6d4',
  '#f97316', '#84cc16', '#6366f1', '#a16207', '#14b8a6', '#d946ef',
];

function paletteIndex(service: string): number {
  // FNV-1a: small, and neighbours like `orders` and `orders-2` land apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < service.length; i++) {
    hash ^= service.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % PALETTE.length;
}

/** The service's color by its name alone: what lists of many traces use. */
export function serviceColor(service: string): string {
  return PALETTE[paletteIndex(service)]!;
}

/**
 * Colors for a set of services (the store's), no two alike while the palette lasts: each takes
 * its hashed color, or the next free one when another service has it. Services are placed in name
 * order, so the same set of services gets the same colors on every load and every page.
 */
export function distinctServiceColors(services: readonly string[]): Map<string, string> {
  const colors = new Map<string, string>();
  const taken = new Set<number>();
  for (const service of [...new Set(services)].sort()) {
    let index = paletteIndex(service);
    for (let probe = 0; probe < PALETTE.length && taken.has(index); probe++) index = (index + 1) % PALETTE.length;
    taken.add(index);
    colors.set(service, PALETTE[index]!);
  }
  return colors;
}

/** A service's color among `services`; a service not among them gets its hashed color. */
export function colorsAmong(services: readonly string[]): (service: string) => string {
  const colors = distinctServiceColors(services);
  return (service) => colors.get(service) ?? serviceColor(service);
}

/** How components get a service's color: the app provides the store's services' distinct colors. */
export const ServiceColors = createContext<(service: string) => string>(serviceColor);
