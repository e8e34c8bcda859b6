// pnpm --filter @x/bench http [--json FILE] [--quick] [--without-ours] [--variants a,b,...]
// [--rounds N] [--seconds S] [--cpu-prof DIR]: the http-server case on its own (about two minutes;
// see README). --without-ours measures plain and OpenTelemetry only; --variants picks the servers
// (see src/http-variants.ts: plain-als, ours-unsampled, ours-noop-tracer and ours-discard split
// ours into its parts, floor is the least a tracer could do); --rounds and --seconds set the
// measured rounds (default 5) and their length (default 5 s); --cpu-prof writes each server's V8
// CPU profile into DIR.
import { httpServerCase } from './http-cases.js';
import { SERVER_VARIANTS, type ServerVariant } from './http-variants.js';
import { runCases } from './run-cases.js';

const args = process.argv.slice(2);
const valueOf = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const variants = valueOf('--variants')?.split(',');
const unknown = variants?.filter((variant) => !SERVER_VARIANTS.includes(variant as ServerVariant));
if (unknown !== undefined && unknown.length > 0) throw new Error(`--variants: unknown ${unknown.join(', ')}; known: ${SERVER_VARIANTS.join(', ')}`);
/** A whole number from `min` to `max` (digits only) after `flag`, or undefined when the flag is absent. */
function countOf(flag: string, min: number, max: number): number | undefined {
  if (!args.includes(flag)) return undefined;
  const text = valueOf(flag);
  const value = text !== undefined && /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) throw new Error(`${flag}: expected a whole number from ${min} to ${max}, got ${text === undefined ? 'nothing' : JSON.stringify(text)}`);
  return value;
}
await runCases(
  [
    httpServerCase({
      withOurs: !args.includes('--without-ours'),
      variants: variants as ServerVariant[] | undefined,
      cpuProfileDir: valueOf('--cpu-prof'),
      rounds: countOf('--rounds', 1, 100),
      seconds: countOf('--seconds', 1, 60),
    }),
  ],
  args,
);
