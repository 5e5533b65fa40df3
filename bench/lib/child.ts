import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs a measurement of bench/children/part.ts in a fresh Node process, so measurements do not share
 * a heap or a warm JIT; its progress lines go to our stderr, the handlers' logs nowhere.
 */
export function inChild<T>(name: string, quick: boolean): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'hitl-bench-'));
  const out = join(dir, 'result.json');
  return new Promise<T>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'children', 'part.ts'), name, out, ...(quick ? ['quick'] : [])], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`bench part ${name} exited with ${code}`);
        resolve(JSON.parse(readFileSync(out, 'utf8')) as T);
      } catch (error) {
        reject(error);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
