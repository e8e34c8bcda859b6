// Shutdown and secrets with real child processes: what reaches the receiver, how the process ends,
// and what it prints.
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerProblem } from '@x/tracer-core';
import { startGrpcReceiver, type GrpcReceiver } from './support/grpc-receiver.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const fixture = fileURLToPath(new URL('./fixtures/otlp-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Outcome {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the fixture; sends `signal` when it prints `when`. A 20 s safety net SIGKILLs it. */
function run(mode: string, url: string, signal?: NodeJS.Signals, when = 'ready', env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, mode, url], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const safety = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (signal !== undefined && chunk.includes(when)) child.kill(signal);
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, exitSignal) => {
      clearTimeout(safety);
      resolve({ stdout, stderr, code, signal: exitSignal });
    });
  });
}

/** Accepts connections and reads requests but never answers. */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

const names = Array.from({ length: 50 }, (_, i) => `span-${i}`);
let receiver: Receiver | undefined;
afterEach(() => receiver?.close());

describe('OTLP tracer at process shutdown (real child processes)', () => {
  it('SIGTERM: spans recorded just before reach a healthy receiver, then the process dies by SIGTERM', async () => {
    receiver = await startReceiver();
    const outcome = await run('sigterm', receiver.url, 'SIGTERM');
    expect(outcome.signal).toBe('SIGTERM');
    expect(receiver.accepted().sort()).toEqual([...names].sort());
  });

  it('beforeExit: a process that just finishes delivers its spans and exits 0', async () => {
    receiver = await startReceiver();
    const outcome = await run('before-exit', receiver.url);
    expect(outcome.code).toBe(0);
    expect(receiver.accepted()).toHaveLength(50);
  });

  it('a receiver that accepts connections and never answers cannot hold the exit past the deadline', async () => {
    const silent = await silentServer();
    try {
      const outcome = await run('hang', silent.url, 'SIGTERM');
      // Killed by our re-raised SIGTERM after the 1 s deadline, not by the 20 s safety net's SIGKILL.
      expect(outcome.signal).toBe('SIGTERM');
    } finally {
      await silent.close();
    }
  });

  it('SIGTERM in the middle of an export: the final flush ends by its deadline and the ledger balances', async () => {
    receiver = await startReceiver();
    receiver.script({ delayMillis: 5000 }, { delayMillis: 5000 });
    const outcome = await run('mid-export', receiver.url, 'SIGTERM', 'exporting');
    expect(outcome.code).toBe(0);
    const report = JSON.parse(outcome.stdout.trim().split('\n').at(-1)!);
    expect(report.outcome).toMatch(/did not finish within 1000 ms/);
    expect(ledgerProblem(report.stats)).toBeUndefined();
    expect(report.stats.spansDropped).toEqual({ shutdown: 50 });
  });

  it('a planted secret never appears in anything the process prints, though the receiver got it', async () => {
    receiver = await startReceiver();
    const secret = 'sk-planted-7f3a9c21d4e8b605';
    receiver.script({ status: 401, body: `bad key ${secret}` }, { status: 401, body: `bad key ${secret}` });
    const outcome = await run('secrets', receiver.url, undefined, '', { PLANTED_SECRET: secret });
    expect(receiver.requests[0]!.headers['x-api-key']).toBe(secret);
    expect(outcome.stderr).toContain('HTTP 401');
    expect(outcome.stderr).toContain('[REDACTED]');
    expect(outcome.stdout + outcome.stderr).not.toContain(secret);
    expect(outcome.stdout + outcome.stderr).not.toContain(Buffer.from(`admin:${secret}`).toString('base64'));
  });
});

describe('OTLP/gRPC tracer at process shutdown (real child processes)', () => {
  const GRPC = { OTLP_PROTOCOL: 'grpc' };
  let grpcReceiver: GrpcReceiver | undefined;
  afterEach(() => grpcReceiver?.close());

  it('beforeExit: a process that just finishes delivers its spans over gRPC and exits 0', async () => {
    grpcReceiver = await startGrpcReceiver();
    const outcome = await run('before-exit', grpcReceiver.url, undefined, 'ready', GRPC);
    expect(outcome.code).toBe(0);
    expect(grpcReceiver.accepted().sort()).toEqual([...names].sort());
  });

  it('SIGTERM: spans recorded just before reach the gRPC server, then the process dies by SIGTERM', async () => {
    grpcReceiver = await startGrpcReceiver();
    const outcome = await run('sigterm', grpcReceiver.url, 'SIGTERM', 'ready', GRPC);
    expect(outcome.signal).toBe('SIGTERM');
    expect(grpcReceiver.accepted().sort()).toEqual([...names].sort());
  });

  it('a planted secret never appears in anything the process prints, though the gRPC server got it', async () => {
    grpcReceiver = await startGrpcReceiver();
    const secret = 'sk-planted-7f3a9c21d4e8b605';
    grpcReceiver.script({ code: 16, message: `bad key ${secret}` });
    const outcome = await run('secrets', grpcReceiver.url, undefined, '', { ...GRPC, PLANTED_SECRET: secret });
    expect(grpcReceiver.calls[0]!.metadata['x-api-key']).toBe(secret);
    expect(outcome.stderr).toContain('gRPC UNAUTHENTICATED (16): bad key [REDACTED]');
    expect(outcome.stdout + outcome.stderr).not.toContain(secret);
    expect(outcome.stdout + outcome.stderr).not.toContain(Buffer.from(`admin:${secret}`).toString('base64'));
  });

  it('a server that accepts connections and never speaks HTTP/2 cannot hold the exit past the deadline', async () => {
    const silent = await silentServer();
    try {
      const outcome = await run('hang', new URL(silent.url).origin, 'SIGTERM', 'ready', GRPC);
      expect(outcome.signal).toBe('SIGTERM');
    } finally {
      await silent.close();
    }
  });
});
