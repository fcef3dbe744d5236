/**
 * Kills, on exit of the test process, every child process the testkit started and
 * has not yet seen exit, so that a crashed or interrupted test run leaves no
 * nats-server or service behind. Only PIDs registered here are touched.
 */
import { isMainThread } from 'node:worker_threads';

const live = new Set<number>();
let installed = false;

function killAll(): void {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', killAll);
  // NOTE: signals are only delivered to the main thread; a worker relies on 'exit'.
  if (!isMainThread) return;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAll();
      process.removeListener(sig, onSignal);
      // Keep the default behaviour (terminate) unless someone else handles the signal.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** Registers a child PID to be SIGKILLed when the test process exits. @internal */
export function track(pid: number): void {
  install();
  live.add(pid);
}

/** Forgets a PID once its process has exited. @internal */
export function untrack(pid: number): void {
  live.delete(pid);
}
