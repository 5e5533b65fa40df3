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

/**
 * One tool call run under an idempotency key: the intent record of its effect. `running` from the
 * claim until the outcome is stored (`done`); a claim that stays `running` belongs to an invocation
 * that died, and the tool's delivery contract decides what it becomes (`unknown` for at_most_once).
 */
export interface ToolRun {
  readonly key: string;
  readonly tool: string;
  readonly executionId: string;
  readonly status: 'running' | 'done' | 'unknown';
  /** The invocation that holds (or last held) the claim; missing on claims made before attempts were recorded. */
  readonly attempt?: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** The stored outcome of a `done` or `unknown` run; it answers every later run of the key. */
  readonly outcome?: ToolOutcome;
}

/** Tool-run records. Every change after the claim is conditional on the attempt that holds it. */
export interface ToolRunStore {
  get(key: string): Promise<ToolRun | undefined>;
  /** Claims a key no run has used yet; false when there is a record already. */
  claim(run: Pick<ToolRun, 'key' | 'tool' | 'executionId'> & { readonly attempt: string }, now: Date): Promise<boolean>;
  /** Takes a `running` claim of the interrupted attempt over for `attempt` (an idempotent re-run); false if it changed meanwhile. */
  takeOver(key: string, interrupted: string | undefined, attempt: string, now: Date): Promise<boolean>;
  /** Records that the interrupted attempt's run has an unknown outcome; false if the claim changed meanwhile. */
  markUnknown(key: string, interrupted: string | undefined, outcome: ToolOutcome, at: Date): Promise<boolean>;
  /** Stores the outcome of this attempt's run; throws ConcurrentUpdateError if another attempt has the claim now. */
  complete(key: string, attempt: string, outcome: ToolOutcome, at: Date): Promise<void>;
  /** Gives this attempt's claim back after the tool failed, so a retry may run it again. */
  release(key: string, attempt: string): Promise<void>;
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
