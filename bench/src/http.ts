// pnpm --filter @x/bench http [--json FILE] [--quick] [--without-ours]: the http-server case on
// its own (about two minutes; see README). --without-ours measures plain and OpenTelemetry only.
import { httpServerCase } from './http-cases.js';
import { runCases } from './run-cases.js';

const args = process.argv.slice(2);
await runCases([httpServerCase({ withOurs: !args.includes('--without-ours') })], args);
