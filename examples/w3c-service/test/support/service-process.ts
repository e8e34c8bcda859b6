import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServiceProcess {
  /** The `/test` endpoint the process announced. */
  url: string;
  /** Sends SIGTERM and resolves with the exit code once the process has ended. */
  stop(): Promise<number | null>;
}

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const STARTUP_TIMEOUT_MS = 10_000;

/**
 * Runs `src/main.ts` as `npm start` does, in a child process on a free port (PORT=0), and resolves
 * once it has printed the URL it listens on. A process of its own keeps whatever `instrument()`
 * patches away from the test runner and the harness, which must send exactly the headers a test
 * names. Its stderr goes to the runner's.
 */
export function startServiceProcess(): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`${why}; it printed: ${JSON.stringify(output)}`));
    };
    const timer = setTimeout(() => fail(`the service did not start within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
    const early = (code: number | null) => fail(`the service exited with ${code} before it listened`);
    child.once('exit', early);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.off('exit', early);
      resolve({
        url,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
