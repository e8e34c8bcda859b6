// One color per service, the same on every page and every load: a hash of the name picks from a
// palette whose mid lightness reads on the light and the dark theme alike.
const PALETTE = [
  '#3b82f6', '#10b981', '#f59e0b', '#8b5cf6', '#ec4899', '#14b8a6',
  '#f97316', '#6366f1', '#84cc16', '#06b6d4', '#d946ef', '#a16207',
];

export function serviceColor(service: string): string {
  // FNV-1a: small, and neighbours like `orders` and `orders-2` land apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < service.length; i++) {
    hash ^= service.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length]!;
}
