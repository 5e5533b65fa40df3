import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AgentAction } from '#core/action';
import type { GateVerdict } from '#core/policy';

const script = fileURLToPath(new URL('./policy-child.ts', import.meta.url));

/**
 * The gate's verdicts for `actions` under the node settings `config`, computed in a child process
 * that is killed after `timeoutMs` and has a 256 MB heap: a policy that hangs or hoards memory fails
 * the test instead of stalling the run or the machine.
 */
export function evaluateGateInChild(config: unknown, actions: AgentAction[], timeoutMs = 60_000): Promise<GateVerdict[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', script], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 10 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const hung = error.killed || error.signal === 'SIGKILL';
        reject(new Error(hung ? `the policy did not finish within ${timeoutMs / 1000} s` : `the policy child failed: ${stderr || error.message}`));
        return;
      }
      resolve(JSON.parse(stdout) as GateVerdict[]);
    });
    child.stdin?.end(JSON.stringify({ config, actions }));
  });
}
