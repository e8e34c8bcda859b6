// HTTP server throughput: requests per second of a small node:http server with no tracing, with
// our automatic HTTP instrumentation and with OpenTelemetry's HttpInstrumentation, each in its own
// process, loaded by autocannon from another process over loopback; the spans of every request
// counted at the receiver.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { check, median, type BenchCase, type BenchContext } from './harness.js';
import type { LoadResult } from './http-load-process.js';
import type { ServerMessage, ServerRequest } from './http-server-process.js';
import { exportsSpans, type ServerVariant } from './http-variants.js';

const CONNECTIONS = 10;

/**
 * The cores the servers run on, and the one the load generator, the receiver and this process
 * share: with `taskset` and two cores or more, each server gets a core of its own (as a Node
 * server does in production) and the load never takes its time. Unpinned on this 2-core VM, the
 * scheduler moved both onto the same core now and then, and one round's plain req/s went from
 * 26,000 to 42,000 and back; the server's CPU per request is what tracing adds to, and pinned it
 * is what the throughput measures.
 */
const CORES = cpus().length; // not availableParallelism(): that shrinks once this process is pinned
const SERVER_CPU = '0';
const LOAD_CPU = '1';

/** Pins `pid` (all its threads) to `cpu`; false when it cannot (no taskset, one core). */
function pin(pid: number | undefined, cpu: string): boolean {
  if (pid === undefined || CORES < 2) return false;
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpu, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A TypeScript entry of this folder in a child process, talking over IPC; its output goes to ours. */
function forkEntry(file: string, args: string[], extraExecArgv: readonly string[] = []): ChildProcess {
  return fork(fileURLToPath(new URL(file, import.meta.url)), args, {
    execArgv: ['--conditions=source', '--import', 'tsx', ...extraExecArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The child's next IPC message; rejects when it exits first or says it failed. */
function nextMessage<T extends { type: string }>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: T | { type: 'failed'; message: string }) => {
      child.off('exit', onExit);
      if (message.type === 'failed') reject(new Error(`${what}: ${(message as { message: string }).message}`));
      else resolve(message as T);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`${what} exited (code ${code}) before answering`));
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
  });
}

interface ServerProcess {
  readonly variant: ServerVariant;
  readonly url: string;
  /** Zeroes the served count and the CPU baseline. */
  reset(): Promise<void>;
  /** Delivers every span, then reports requests served and CPU used since `reset()`. */
  flush(): Promise<{ served: number; cpuMicros: number }>;
  stop(): void;
}

async function startServer(variant: ServerVariant, tracesUrl: string, cpuProfileDir: string | undefined): Promise<ServerProcess> {
  // A V8 CPU profile, sampled every 100 µs, written when the server exits (so it is stopped by disconnecting).
  const profile = cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`, '--cpu-prof-interval', '100'];
  const child = forkEntry('./http-server-process.ts', [variant, tracesUrl], profile);
  pin(child.pid, SERVER_CPU);
  const what = `http server (${variant})`;
  const call = <T extends ServerMessage>(request: ServerRequest): Promise<T> => {
    const reply = nextMessage<T>(child, what);
    child.send(request);
    return reply;
  };
  const { port } = await nextMessage<Extract<ServerMessage, { type: 'listening' }>>(child, what);
  return {
    variant,
    url: `http://127.0.0.1:${port}/users/42?fields=name,email`,
    reset: async () => void (await call({ type: 'reset' })),
    flush: () => call<Extract<ServerMessage, { type: 'flushed' }>>({ type: 'flush' }),
    stop: () => (child.connected ? child.disconnect() : void child.kill()),
  };
}

function runLoad(url: string, seconds: number): Promise<LoadResult> {
  const child = forkEntry('./http-load-process.ts', [url, String(seconds), String(CONNECTIONS)]);
  pin(child.pid, LOAD_CPU);
  return nextMessage<LoadResult>(child, 'load generator');
}

interface Sample {
  readonly rps: number;
  readonly served: number;
  readonly cpuMicrosPerRequest: number;
  /** OTLP bytes the receiver got per span: what each side's spans carry. */
  readonly bytesPerSpan: number;
  /** Cores busy with anything but the server and the load generator during the run (receiver included). */
  readonly otherCores: number;
}

/** One run of the load against `server`, checked: no failed request, and one span a request at the receiver. */
async function measure(server: ServerProcess, seconds: number, context: BenchContext): Promise<Sample> {
  const { receiver } = context;
  await receiver.reset();
  await server.reset();
  const load = await runLoad(server.url, seconds);
  const { served, cpuMicros } = await server.flush();
  check(`${server.variant}: failed requests`, load.non2xx + load.errors + load.timeouts, 0);
  if (load.ok > served) throw new Error(`${server.variant}: the load generator saw ${load.ok} responses, the server served ${served}`);
  const spans = exportsSpans(server.variant) ? served : 0;
  await receiver.waitFor(spans, 30_000);
  const delivered = await receiver.count();
  check(`${server.variant}: spans at the receiver`, delivered.spans, spans);
  // The server's CPU runs from reset to flushed, a little longer than the load: others are, if anything, undercounted.
  const otherCores = Math.max(0, load.machineCpuMicros - load.ownCpuMicros - cpuMicros) / (load.seconds * 1e6);
  return { rps: load.rps, served, cpuMicrosPerRequest: cpuMicros / served, bytesPerSpan: delivered.bytes / served, otherCores };
}

/** `variants` turned by `by` places, so each variant runs first, second, ... in turn. */
const rotate = <T>(variants: readonly T[], by: number) => variants.map((_, i) => variants[(i + by) % variants.length]!);

const percent = (loss: number) => Number((100 * loss).toFixed(1));

export interface HttpServerCaseOptions {
  readonly withOurs: boolean;
  /** The server variants to measure (`--variants`); default plain, ours and theirs. Must include plain. */
  readonly variants?: readonly ServerVariant[];
  /** Where each server writes a V8 CPU profile when it stops (`--cpu-prof DIR`). */
  readonly cpuProfileDir?: string;
  /** Measured rounds (`--rounds`); default 5, 1 with `--quick`. */
  readonly rounds?: number | undefined;
  /** Seconds a round (`--seconds`); default 5, 2 with `--quick`. */
  readonly seconds?: number | undefined;
}

/**
 * For variants beyond the case's three (`--variants`): each one's median and lowest server CPU
 * per request, and what it adds to plain's; with theirs measured, each one's loss and its ratio to
 * theirs. The lowest is worth reading next to the median: other work on the machine only ever adds
 * to a round.
 */
function breakdown(variants: readonly ServerVariant[], samples: Map<ServerVariant, Sample[]>): Record<string, string> {
  if (variants.every((variant) => variant === 'plain' || variant === 'ours' || variant === 'theirs')) return {};
  const cpu = (variant: ServerVariant) => samples.get(variant)!.map((s) => s.cpuMicrosPerRequest);
  const rps = (variant: ServerVariant) => median(samples.get(variant)!.map((s) => s.rps));
  const plainMedian = median(cpu('plain'));
  const plainLowest = Math.min(...cpu('plain'));
  const theirsLoss = samples.has('theirs') ? 1 - rps('theirs') / rps('plain') : Number.NaN;
  const notes: Record<string, string> = {};
  for (const variant of variants) {
    const middle = median(cpu(variant));
    const lowest = Math.min(...cpu(variant));
    notes[`${variant} CPU µs/req median (added), lowest (added)`] =
      `${middle.toFixed(1)} (+${(middle - plainMedian).toFixed(1)}), ${lowest.toFixed(1)} (+${(lowest - plainLowest).toFixed(1)})`;
    if (variant !== 'plain' && variant !== 'theirs' && !Number.isNaN(theirsLoss)) {
      const loss = 1 - rps(variant) / rps('plain');
      notes[`${variant} loss % (loss/theirs), loss/theirs from the lowest CPU`] = `${percent(loss)} (${(loss / theirsLoss).toFixed(3)}), ${lossRatioOfLowest(samples, variant)}`;
    }
  }
  return notes;
}

/**
 * The loss ratio of each round on its own (ours and theirs against the plain of the same round),
 * lowest, median and highest: how far one run's verdict can be trusted on this machine.
 */
function lossRatioByRound(samples: Map<ServerVariant, Sample[]>): string {
  const plain = samples.get('plain')!;
  const ours = samples.get('ours');
  const theirs = samples.get('theirs');
  if (ours === undefined || theirs === undefined) return 'n/a';
  const ratios = plain.map((p, round) => (1 - ours[round]!.rps / p.rps) / (1 - theirs[round]!.rps / p.rps)).sort((a, b) => a - b);
  return `${ratios[0]!.toFixed(3)}, ${median(ratios).toFixed(3)}, ${ratios.at(-1)!.toFixed(3)}`;
}

/**
 * The loss ratio from each variant's lowest CPU per request over the rounds. Other work on the
 * machine (here, mostly the host's, which no core of this VM shows as busy) only ever adds CPU to
 * a round, so the lowest is the nearest to the undisturbed cost; req/s is one core over it.
 */
function lossRatioOfLowest(samples: Map<ServerVariant, Sample[]>, variant: ServerVariant): string {
  const lowest = (of: ServerVariant) => Math.min(...samples.get(of)!.map((s) => s.cpuMicrosPerRequest));
  if (!samples.has(variant) || !samples.has('theirs')) return 'n/a';
  const plain = lowest('plain');
  return ((1 - plain / lowest(variant)) / (1 - plain / lowest('theirs'))).toFixed(3);
}

/**
 * What ours may add to plain's server CPU per request and still lose at most a third of what theirs
 * loses, from the medians: loss is added / (plain + added), so added <= plain * theirs / (3 * plain + 2 * theirs),
 * with `theirs` what theirs adds.
 */
function targetBudget(samples: Map<ServerVariant, Sample[]>): string {
  if (!samples.has('theirs')) return 'n/a';
  const plain = median(samples.get('plain')!.map((s) => s.cpuMicrosPerRequest));
  const theirs = median(samples.get('theirs')!.map((s) => s.cpuMicrosPerRequest)) - plain;
  return ((plain * theirs) / (3 * plain + 2 * theirs)).toFixed(1);
}

/**
 * `http-server`: ours and theirs are the median req/s of the traced servers (higher is better,
 * unlike the other cases). Without ours (`withOurs: false`, until `instrumentHttp()` exists) ours is NaN.
 */
export function httpServerCase(options: HttpServerCaseOptions): BenchCase {
  return {
    id: 'http-server',
    async run(context) {
      const rounds = options.rounds ?? (context.quick ? 1 : 5);
      const seconds = options.seconds ?? (context.quick ? 2 : 5);
      const variants: readonly ServerVariant[] = options.variants ?? (options.withOurs ? ['plain', 'ours', 'theirs'] : ['plain', 'theirs']);
      if (!variants.includes('plain')) throw new Error('http-server: the variants must include plain, which the losses are of');
      const servers: ServerProcess[] = [];
      const pinned = pin(process.pid, LOAD_CPU) && pin(context.receiver.pid, LOAD_CPU);
      try {
        for (const variant of variants) servers.push(await startServer(variant, context.receiver.tracesUrl, options.cpuProfileDir));
        for (const server of servers) await measure(server, context.quick ? 1 : 3, context); // warm-up
        const samples = new Map<ServerVariant, Sample[]>(variants.map((variant) => [variant, []]));
        for (let round = 0; round < rounds; round++) {
          for (const server of rotate(servers, round)) samples.get(server.variant)!.push(await measure(server, seconds, context));
        }
        const rps = (variant: ServerVariant) => (samples.has(variant) ? median(samples.get(variant)!.map((s) => s.rps)) : NaN);
        const middle = (variant: ServerVariant, of: (sample: Sample) => number) => (samples.has(variant) ? median(samples.get(variant)!.map(of)).toFixed(1) : 'n/a');
        const spans = (variant: ServerVariant) => samples.get(variant)?.reduce((sum, s) => sum + s.served, 0) ?? 'n/a';
        const others = [...samples.values()].flat().map((s) => s.otherCores);
        const busiest = Math.max(...others);
        if (busiest > 0.1) console.warn(`http-server: other processes kept up to ${busiest.toFixed(2)} cores busy during a round: these numbers are disturbed`);
        const plain = rps('plain');
        const oursLoss = 1 - rps('ours') / plain;
        const theirsLoss = 1 - rps('theirs') / plain;
        return {
          id: this.id,
          unit: 'req/s',
          ours: rps('ours'),
          theirs: rps('theirs'),
          notes: {
            'plain req/s': Math.round(plain),
            'pinned (servers on cpu 0, load on cpu 1)': pinned ? 'yes' : 'no',
            'ours loss %': Number.isNaN(oursLoss) ? 'n/a' : percent(oursLoss),
            'theirs loss %': percent(theirsLoss),
            'loss ours/theirs': Number.isNaN(oursLoss) ? 'n/a' : Number((oursLoss / theirsLoss).toFixed(3)),
            'loss ours/theirs by round: lowest, median, highest': lossRatioByRound(samples),
            'loss ours/theirs from the lowest CPU per request': lossRatioOfLowest(samples, 'ours'),
            'CPU µs/req ours may add for the target': targetBudget(samples),
            'spans counted ours': spans('ours'),
            'spans counted theirs': spans('theirs'),
            'server CPU µs/req plain': middle('plain', (s) => s.cpuMicrosPerRequest),
            'server CPU µs/req ours': middle('ours', (s) => s.cpuMicrosPerRequest),
            'server CPU µs/req theirs': middle('theirs', (s) => s.cpuMicrosPerRequest),
            'OTLP bytes/span ours': middle('ours', (s) => s.bytesPerSpan),
            'OTLP bytes/span theirs': middle('theirs', (s) => s.bytesPerSpan),
            ...breakdown(variants, samples),
            'other cores busy, median': Number(median(others).toFixed(2)),
            'other cores busy, max': Number(busiest.toFixed(2)),
          },
        };
      } finally {
        for (const server of servers) server.stop();
        if (pinned) pin(process.pid, `0-${CORES - 1}`);
      }
    },
  };
}
