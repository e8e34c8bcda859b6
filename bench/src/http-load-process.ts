// The load generator of the http-server case, in its own process so it does not share an event
// loop with the server: autocannon against argv's URL for argv's seconds with argv's connections
// (pipelining 1), then { type: 'done', ... } over IPC.
import { cpus } from 'node:os';
import autocannon from 'autocannon';

export interface LoadResult {
  readonly type: 'done';
  /** 2xx responses per second of the run. */
  readonly rps: number;
  /** 2xx responses seen by the load generator. */
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly seconds: number;
  /** CPU this process used during the run. */
  readonly ownCpuMicros: number;
  /** CPU every process on the machine used during the run (all cores, from `os.cpus()`). */
  readonly machineCpuMicros: number;
}

/** Busy time of every core since boot. */
function machineBusyMicros(): number {
  return cpus().reduce((sum, { times }) => sum + (times.user + times.nice + times.sys + times.irq) * 1000, 0);
}

const [url, seconds, connections] = process.argv.slice(2);
const machineAtStart = machineBusyMicros();
const cpuAtStart = process.cpuUsage();
const result = await autocannon({ url: url!, duration: Number(seconds), connections: Number(connections), pipelining: 1 });
const cpu = process.cpuUsage(cpuAtStart);
const done: LoadResult = {
  type: 'done',
  rps: result['2xx'] / result.duration,
  ok: result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  seconds: result.duration,
  ownCpuMicros: cpu.user + cpu.system,
  machineCpuMicros: machineBusyMicros() - machineAtStart,
};
process.send!(done, () => process.disconnect());
