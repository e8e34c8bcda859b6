#!/usr/bin/env node
// x-tracing check <tracing.toml> [--site NAME] [--load]: prints the resolved plan of each site (or
// of the one named), or what is wrong, and exits 0 or 1. --load also builds each site's tracers
// (imports its plugins, checks they are plugins) and shuts them down again.
// x-tracing serve [...]: the trace store's receiver and API, from @x/tracer-store (installed apart:
// it carries DuckDB's native binary, which `check` users should not have to download).
import { buildTracer } from './build-tracer.js';
import { formatPlan } from './format-plan.js';
import { resolvePlan } from './plan.js';
import { loadConfig } from './tracing-config.js';

const USAGE = 'usage: x-tracing check <tracing.toml> [--site NAME] [--load] | x-tracing serve [--help]';

interface Arguments {
  readonly file: string;
  readonly site: string | undefined;
  readonly load: boolean;
}

function parseArguments(argv: readonly string[]): Arguments {
  const [command, ...rest] = argv;
  if (command !== 'check') throw new Error(command === undefined ? USAGE : `unknown command "${command}"; ${USAGE}`);
  let file: string | undefined;
  let site: string | undefined;
  let load = false;
  for (let i = 0; i < rest.length; i++) {
    const argument = rest[i]!;
    if (argument === '--site') {
      site = rest[++i];
      if (site === undefined || site.startsWith('--')) throw new Error(`--site needs a site name; ${USAGE}`);
    } else if (argument === '--load') load = true;
    else if (argument.startsWith('--')) throw new Error(`unknown option ${argument}; ${USAGE}`);
    else if (file === undefined) file = argument;
    else throw new Error(`one file only; ${USAGE}`);
  }
  if (file === undefined) throw new Error(`no file given; ${USAGE}`);
  return { file, site, load };
}

async function check(args: Arguments): Promise<string> {
  const config = loadConfig(args.file);
  const sites = args.site !== undefined ? [args.site] : [undefined, ...config.sites.keys()];
  const out: string[] = [];
  for (const site of sites) {
    const plan = resolvePlan(config, { site });
    if (args.load) {
      const tracer = await buildTracer(plan);
      await tracer?.shutdown?.({ timeoutMillis: 0 });
    }
    out.push(formatPlan(plan));
  }
  return `${out.join('\n\n')}\n`;
}

async function serve(argv: readonly string[]): Promise<void> {
  let store: { runServeCommand(argv: readonly string[]): Promise<void>; SERVE_USAGE: string };
  try {
    store = await import('@x/tracer-store');
  } catch (error) {
    // Only the store itself missing: a dependency of it missing (DuckDB's binary) says so itself.
    const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && /'@x\/tracer-store'/.test(String((error as Error).message));
    if (!missing) throw error;
    throw new Error('serve needs the trace store: npm install @x/tracer-store');
  }
  if (argv.includes('--help')) return void process.stdout.write(`${store.SERVE_USAGE}\n`);
  await store.runServeCommand(argv);
}

try {
  const argv = process.argv.slice(2);
  if (argv[0] === 'serve') await serve(argv.slice(1));
  else process.stdout.write(await check(parseArguments(argv)));
} catch (error) {
  process.stderr.write(`x-tracing: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
