import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowStepEvent } from '#ports';

/** Where the local engine keeps each execution's state-by-state history (Step Functions keeps it on AWS). */
export interface HistoryLog {
  append(executionArn: string, event: WorkflowStepEvent): void;
  read(executionArn: string): WorkflowStepEvent[];
}

/**
 * Histories in memory, of the newest `maxExecutions` executions only: a long-running local stack
 * must not grow without bound, and an old execution's graph without its steps is still readable.
 */
export class MemoryHistoryLog implements HistoryLog {
  private readonly histories = new Map<string, WorkflowStepEvent[]>();

  constructor(private readonly maxExecutions = 1_000) {}

  append(executionArn: string, event: WorkflowStepEvent): void {
    let events = this.histories.get(executionArn);
    if (!events) {
      events = [];
      this.histories.set(executionArn, events);
      if (this.histories.size > this.maxExecutions) {
        const [oldest] = this.histories.keys();
        this.histories.delete(oldest);
      }
    }
    events.push(event);
  }

  read(executionArn: string): WorkflowStepEvent[] {
    return [...(this.histories.get(executionArn) ?? [])];
  }
}

/**
 * Histories as one JSON-lines file per execution in `folder`, so they survive a restart of the
 * local stack and cost no memory while an execution waits for a person.
 */
export class FileHistoryLog implements HistoryLog {
  constructor(private readonly folder: string) {
    mkdirSync(folder, { recursive: true });
  }

  append(executionArn: string, event: WorkflowStepEvent): void {
    appendFileSync(this.fileOf(executionArn), `${JSON.stringify(event)}\n`);
  }

  read(executionArn: string): WorkflowStepEvent[] {
    const file = this.fileOf(executionArn);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as WorkflowStepEvent];
        } catch {
          return []; // a line cut short by a crash
        }
      });
  }

  private fileOf(executionArn: string): string {
    return join(this.folder, `${createHash('sha256').update(executionArn).digest('hex').slice(0, 32)}.jsonl`);
  }
}
