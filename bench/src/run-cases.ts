// The command line shared by `pnpm bench` and `pnpm --filter @x/bench http`:
// [--json FILE] [--quick] [--only id,id]; prints each case's medians and ours/theirs.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { BenchCase, CaseResult } from './harness.js';
import { startCountingReceiver } from './receiver.js';

/** A case that could not measure a side reports NaN for it (`n/a`). */
const format = (value: number) => (Number.isNaN(value) ? 'n/a' : Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));

/** Runs `cases` (those named by `--only`, if given) against one counting receiver and reports them. */
export async function runCases(cases: readonly BenchCase[], args: readonly string[]): Promise<void> {
  const jsonAt = args.indexOf('--json');
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set(args[onlyAt + 1]!.split(',')) : undefined;
  const quick = args.includes('--quick');

  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  console.log(`x-tracing vs OpenTelemetry JS SDK 2.10 / exporters 0.221 — Node ${process.version}, ${machine}${quick ? ' (quick)' : ''}\n`);
  const receiver = await startCountingReceiver();
  const results: (CaseResult & { ratio: number })[] = [];
  try {
    for (const benchCase of cases) {
      if (only && !only.has(benchCase.id)) continue;
      const result = await benchCase.run({ receiver, quick });
      const ratio = result.theirs === 0 ? Infinity : result.ours / result.theirs;
      results.push({ ...result, ratio });
      const notes = result.notes ? `  ${Object.entries(result.notes).map(([k, v]) => `${k}: ${v}`).join(', ')}` : '';
      console.log(`${result.id.padEnd(18)} ours ${format(result.ours).padStart(9)}  theirs ${format(result.theirs).padStart(9)}  ${result.unit.padEnd(13)} ours/theirs ${Number.isNaN(ratio) ? 'n/a' : ratio.toFixed(3)}${notes}`);
    }
  } finally {
    receiver.stop();
  }
  if (jsonFile) {
    const cases = results.map(({ id, ours, theirs, unit, ratio, notes }) => ({ id, ours, theirs, unit, ratio, ...(notes ? { notes } : {}) }));
    writeFileSync(jsonFile, `${JSON.stringify({ cases, node: process.version, date: new Date().toISOString(), machine }, null, 2)}\n`);
    console.log(`\nwrote ${jsonFile}`);
  }
}
