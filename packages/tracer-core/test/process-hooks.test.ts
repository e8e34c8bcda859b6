import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/shutdown-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Outcome {
  stdout: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs the fixture; sends `signal` once it prints "ready". Kills it after 15 s as a safety net. */
function run(mode: string, signal?: NodeJS.Signals): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, mode], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    const safety = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (signal !== undefined && chunk.includes('ready')) child.kill(signal);
    });
    child.on('error', reject);
    child.on('exit', (code, exitSignal) => {
      clearTimeout(safety);
      resolve({ stdout, code, signal: exitSignal });
    });
  });
}

describe('process shutdown hooks (real child processes)', () => {
  it('SIGTERM: the last spans are flushed, then the process dies by SIGTERM as it would have', async () => {
    const outcome = await run('sigterm', 'SIGTERM');
    expect(outcome.stdout).toContain('exported first\nexported last\n');
    expect(outcome.signal).toBe('SIGTERM');
  });

  it('SIGINT behaves the same way', async () => {
    const outcome = await run('sigterm', 'SIGINT');
    expect(outcome.stdout).toContain('exported last\n');
    expect(outcome.signal).toBe('SIGINT');
  });

  it('an application SIGTERM handler decides how the process ends; spans are still flushed', async () => {
    const outcome = await run('app-handler', 'SIGTERM');
    expect(outcome.stdout).toContain('app handler');
    expect(outcome.stdout).toContain('exported last\n');
    expect(outcome.code).toBe(7);
    expect(outcome.signal).toBeNull();
  });

  it('beforeExit: a process that simply finishes still delivers its last spans', async () => {
    const outcome = await run('before-exit');
    expect(outcome.stdout).toBe('exported first\nexported last\n');
    expect(outcome.code).toBe(0);
  });

  it('an exporter that never answers cannot hold the process past the deadline', async () => {
    // The 15 s safety net would SIGKILL it; dying by SIGTERM shows the 300 ms deadline let it go.
    const outcome = await run('hang', 'SIGTERM');
    expect(outcome.signal).toBe('SIGTERM');
    expect(outcome.stdout).not.toContain('exported');
  });

  it('with hooks off, the export timer does not keep the process alive (and nothing is flushed)', async () => {
    const outcome = await run('no-hooks');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toBe('');
  });
});
