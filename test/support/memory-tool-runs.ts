import type { ToolOutcome } from '#core/flow-state';
import type { ToolRun, ToolRunStore } from '#usecases/flow-ports';

/** Tool runs in a Map with the repository's conditions: enough for the steps, which the integration tests run on DynamoDB. */
export class MemoryToolRuns implements ToolRunStore {
  readonly runs = new Map<string, ToolRun>();

  async get(key: string) {
    return this.runs.get(key);
  }

  async claim(run: Pick<ToolRun, 'key' | 'tool' | 'executionId'> & { attempt: string }, now: Date) {
    if (this.runs.has(run.key)) return false;
    this.runs.set(run.key, { ...run, status: 'running', startedAt: now.toISOString() });
    return true;
  }

  async takeOver(key: string, interrupted: string | undefined, attempt: string, now: Date) {
    const run = this.heldBy(key, interrupted);
    if (run) this.runs.set(key, { ...run, attempt, startedAt: now.toISOString() });
    return run !== undefined;
  }

  async markUnknown(key: string, interrupted: string | undefined, outcome: ToolOutcome, at: Date) {
    const run = this.heldBy(key, interrupted);
    if (run) this.runs.set(key, { ...run, status: 'unknown', outcome, finishedAt: at.toISOString() });
    return run !== undefined;
  }

  async complete(key: string, attempt: string, outcome: ToolOutcome, at: Date) {
    const run = this.heldBy(key, attempt);
    if (!run) throw new Error(`tool run ${key} was taken over`);
    this.runs.set(key, { ...run, status: 'done', outcome, finishedAt: at.toISOString() });
  }

  async release(key: string, attempt: string) {
    if (this.heldBy(key, attempt)) this.runs.delete(key);
  }

  /** A claim left running by `attempt`, as a crashed invocation leaves it (tests). */
  interrupted(run: Pick<ToolRun, 'key' | 'tool' | 'executionId'>, attempt: string, startedAt: Date): void {
    this.runs.set(run.key, { ...run, attempt, status: 'running', startedAt: startedAt.toISOString() });
  }

  private heldBy(key: string, attempt: string | undefined): ToolRun | undefined {
    const run = this.runs.get(key);
    return run?.status === 'running' && run.attempt === attempt ? run : undefined;
  }
}
