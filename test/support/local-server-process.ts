import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface LocalServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGKILL to the server's whole process group (npm, tsx and node): no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGTERM, the server's own clean shutdown. */
  stop(): Promise<void>;
}

/**
 * Runs `npm start` in its own process group with the given data folder and port 0, and resolves with
 * the URL it prints once it listens on 127.0.0.1.
 */
export function startLocalServerProcess(dataDir: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<LocalServerProcess> {
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', HITL_DATA_DIR: dataDir, HITL_SWEEP_INTERVAL_MS: '60000', POWERTOOLS_LOG_LEVEL: 'WARN', ...env },
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalGroup = async (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void signalGroup('SIGKILL');
      reject(new Error(`npm start did not come up in ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /local stack is up on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, pid: child.pid!, output: () => output, kill: () => signalGroup('SIGKILL'), stop: () => signalGroup('SIGTERM') });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code} before listening:\n${output.slice(-2000)}`));
    });
  });
}
