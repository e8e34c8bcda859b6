/** OpenTelemetry's 0.3xx/3.x packages declare Node >= 22.15: their line runs there, and only there. */
export const NEXT_LINE_RUNS = (() => {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  return major > 22 || (major === 22 && minor >= 15);
})();
