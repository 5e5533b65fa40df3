import type { ExecutionEnd, ExecutionRecord } from '#core/flow-execution';
import type { ToolOutcome } from '#core/flow-state';
import type { FlowChannel } from '#core/hitl-config';

/**
 * Ports of flow executions, next to the approval ports in `ports.ts`: the execution records, the
 * tool-run records that make tool calls idempotent, and the catalog of deployed flows.
 */

/** Flow execution records. Every change is one conditional write. */
export interface ExecutionStore {
  /** Stores a new record; throws ConcurrentUpdateError if one with that id exists. */
  create(record: ExecutionRecord): Promise<void>;
  get(executionId: string): Promise<ExecutionRecord | undefined>;
  /** Records how the execution ended, once: false when it had already ended. */
  markEnded(executionId: string, end: ExecutionEnd): Promise<boolean>;
  /** A new run carries the execution on (local restart); only while it is running. */
  recordRun(executionId: string, run: ExecutionRecord['runs'][number]): Promise<void>;
  /** Executions still running, oldest first. */
  listRunning(limit: number): Promise<ExecutionRecord[]>;
}

/** One tool call run under an idempotency key. */
export interface ToolRun {
  readonly key: string;
  readonly tool: string;
  readonly executionId: string;
  readonly status: 'running' | 'done';
  readonly startedAt: string;
  readonly leaseUntil?: string;
  readonly finishedAt?: string;
  readonly outcome?: ToolOutcome;
}

/** Tool-run records: at most one run per key is in flight, and a finished run answers every retry. */
export interface ToolRunStore {
  get(key: string): Promise<ToolRun | undefined>;
  /** Claims the key (new, or running with an expired lease); false when someone else holds it. */
  claim(run: Pick<ToolRun, 'key' | 'tool' | 'executionId'>, now: Date, leaseUntil: Date): Promise<boolean>;
  /** Stores the outcome of a claimed run. */
  complete(key: string, outcome: ToolOutcome, at: Date): Promise<void>;
  /** Gives a claim back after the tool failed, so a retry may run it again. */
  release(key: string): Promise<void>;
}

/** A flow as deployed: which state machine runs it. */
export interface DeployedFlow {
  readonly flowId: string;
  readonly revision: number;
  readonly channel: FlowChannel;
  readonly stateMachineArn: string;
}

/** The flows that can be started. */
export interface FlowCatalog {
  get(flowId: string): Promise<DeployedFlow | undefined>;
}
