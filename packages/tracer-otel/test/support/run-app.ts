import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A fixture app in a child process (`node --conditions=source --import tsx`), talking over IPC. */
export interface RunningApp {
  readonly port: number;
  /** Asks the app to close and flush; resolves with the JSON lines it wrote to stdout. */
  stop(): Promise<any[]>;
}

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function runApp(fixture: string, env: Record<string, string>): Promise<RunningApp> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', `test/fixtures/${fixture}`], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: { port?: number }) => message.port && resolve(message.port));
    void exited.then((code) => reject(new Error(`${fixture} exited (${code}) before listening: ${stderr}`)));
  });
  return {
    port,
    async stop() {
      child.send('stop');
      const code = await exited;
      if (code !== 0) throw new Error(`${fixture} exited with ${code}: ${stderr}`);
      return stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
    },
  };
}
