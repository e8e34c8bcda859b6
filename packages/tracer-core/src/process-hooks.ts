/**
 * One set of process listeners for every tracer in the process, so that N tracers add three
 * listeners, not 3N, and a signal is re-raised once after all of them have flushed.
 *
 * On `beforeExit`, SIGTERM and SIGINT every registered hook runs (concurrently); each hook bounds
 * itself with its own deadline. Then:
 * - for a signal that no one else listens to, our listeners are removed and the signal is raised
 *   again, so the process ends by that signal exactly as it would have without us;
 * - when the application has its own listener for the signal, nothing more is done: the
 *   application decides when to exit;
 * - a second signal while hooks run is not held up: it is re-raised at once.
 */
type Hook = () => Promise<void>;

const hooks = new Set<Hook>();
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
let installed = false;
let running: Promise<void> | undefined;

function runHooks(): Promise<void> {
  running ??= Promise.allSettled([...hooks].map((hook) => hook())).then(() => {
    running = undefined;
  });
  return running;
}

function onBeforeExit(): void {
  if (hooks.size > 0) void runHooks();
}

function onSignal(signal: NodeJS.Signals): void {
  if (running !== undefined) {
    reraise(signal);
    return;
  }
  // A referenced timer keeps the process alive while the hooks flush (their own timers are unref'd).
  const keepAlive = setInterval(() => {}, 1 << 30);
  void runHooks().then(() => {
    clearInterval(keepAlive);
    if (ownListenersOnly(signal)) reraise(signal);
  });
}

function ownListenersOnly(signal: NodeJS.Signals): boolean {
  return process.listeners(signal).every((listener) => listener === onSignal);
}

function reraise(signal: NodeJS.Signals): void {
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('beforeExit', onBeforeExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/**
 * Runs `hook` at process shutdown (`beforeExit`, SIGTERM, SIGINT). Returns a function that
 * unregisters it; the listeners go away with the last hook.
 */
export function onProcessShutdown(hook: Hook): () => void {
  hooks.add(hook);
  install();
  return () => {
    hooks.delete(hook);
    if (hooks.size === 0) uninstall();
  };
}
