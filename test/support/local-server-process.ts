import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface LocalServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGKILL to the server's whole process group: no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGTERM, the server's own clean shutdown. */
  stop(): Promise<void>;
}

/**
 * What `npm start` runs once it has built the local stack: its script after the last `&&`. The test
 * run builds the stack once, beforehand (test/support/build-local-stack.ts); building it again on
 * every start would only repeat that build.
 */
function startCommand(): { command: string; args: string[] } {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [program, ...args] = scripts.start.split('&&').at(-1)!.trim().split(/\s+/);
  if (program !== 'node') throw new Error(`npm start no longer ends by running node: ${scripts.start}`);
  return { command: process.execPath, args };
}

/**
 * Runs the local stack as `npm start` runs it, in its own process group with the given data folder
 * and port 0, and resolves with the URL it prints once it listens on 127.0.0.1.
 */
export function startLocalServerProcess(dataDir: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<LocalServerProcess> {
  const { command, args } = startCommand();
  const child: ChildProcess = spawn(command, args, {
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
      reject(new Error(`the local stack did not come up in ${timeoutMs} ms:\n${output.slice(-2000)}`));
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
      reject(new Error(`the local stack exited with ${code} before listening:\n${output.slice(-2000)}`));
    });
  });
}
