import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The counting receiver, in its own process. */
export interface CountingReceiver {
  readonly url: string;
  readonly tracesUrl: string;
  /** The receiver's process id. */
  readonly pid: number;
  /** Spans and requests received, and the bytes of their bodies. */
  count(): Promise<{ spans: number; requests: number; bytes: number }>;
  reset(): Promise<void>;
  /** Resolves once the receiver has counted `spans` (or rejects after `timeoutMillis`). */
  waitFor(spans: number, timeoutMillis?: number): Promise<void>;
  stop(): void;
}

export async function startCountingReceiver(): Promise<CountingReceiver> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./receiver-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('error', reject);
  });
  const get = async (path: string) => (await fetch(`${url}${path}`)).json() as Promise<{ spans: number; requests: number; bytes: number }>;
  return {
    url,
    pid: child.pid!,
    tracesUrl: `${url}/v1/traces`,
    count: () => get('/count'),
    reset: async () => void (await get('/reset')),
    async waitFor(spans, timeoutMillis = 120_000) {
      const deadline = Date.now() + timeoutMillis;
      for (;;) {
        const { spans: seen } = await get('/count');
        if (seen >= spans) return;
        if (Date.now() > deadline) throw new Error(`receiver saw ${seen} of ${spans} spans`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop: () => void child.kill(),
  };
}
