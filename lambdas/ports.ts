import type { AuditEntry, AuditRecord } from '#core/audit-entry';
import type { StatsRow, StatsSample } from '#core/decision-stats';
import type { Delegation } from '#core/delegation';
import type { ApprovalRequest, Vote, WorkflowDecision } from '#core/request';

/** A page of items and the opaque cursor of the next page, if any. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

export interface ListPendingQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly workflowId?: string;
  readonly nodeId?: string;
}

export interface HistoryQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly from?: string;
  readonly to?: string;
  readonly workflowId?: string;
  readonly approver?: string;
}

export interface AuditQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly executionId?: string;
  readonly workflowId?: string;
  readonly from?: string;
  readonly to?: string;
}

export type CreateResult =
  | { readonly created: true; readonly request: ApprovalRequest }
  | { readonly created: false; readonly existing: ApprovalRequest };

/** Requests, their history and their task tokens. Every state change is one conditional write. */
export interface ApprovalStore {
  /** Stores a new request with its task token, unless one with the same id exists (then returns it). */
  create(request: ApprovalRequest, taskToken: string): Promise<CreateResult>;
  /**
   * A retried gate waits on a new task token: store it, and if the request was already decided,
   * mark the decision undelivered again so it reaches the new token.
   */
  refreshTaskToken(id: string, taskToken: string, at: Date): Promise<ApprovalRequest>;
  get(id: string): Promise<ApprovalRequest | undefined>;
  /** The requests one execution has made, oldest first (at most 100). */
  listByExecution(executionId: string): Promise<ApprovalRequest[]>;
  /** The task token the workflow waits on; never leaves the server. */
  getTaskToken(id: string): Promise<string | undefined>;
  /**
   * Writes `next` over `previous` only while the stored request is still pending at `previous.level`
   * with `previous.dueAt` (so an expiry never follows a deadline that was extended meanwhile).
   * Throws ConcurrentUpdateError when another writer changed it first. When `next` carries a decision,
   * the request also takes a delivery lease until `leaseUntil`. Resolves to the stored task token, so
   * the decision can be delivered without reading it again (it stays server-side all the same).
   */
  transition(previous: ApprovalRequest, next: ApprovalRequest, leaseUntil?: Date): Promise<{ taskToken?: string }>;
  /**
   * Adds one person's vote while the request is pending at its level, the person has not voted, and
   * the count of its kind (rejections, or approvals of `ballot`, the arguments it approves) is below
   * `limit`. Throws ConcurrentUpdateError otherwise.
   */
  recordVote(request: ApprovalRequest, vote: Vote, ballot: string, limit: number): Promise<ApprovalRequest>;
  /** Takes the delivery lease of an undelivered decision if it is free; false if someone else holds it. */
  acquireDeliveryLease(id: string, now: Date, leaseUntil: Date): Promise<boolean>;
  /** Records the outcome of delivering the decision; idempotent. Returns the request as recorded, or undefined if someone recorded it first. */
  markDelivery(id: string, outcome: 'delivered' | 'workflow_gone', at: Date, detail?: Record<string, unknown>): Promise<ApprovalRequest | undefined>;
  /** Appends a history event that is not a state change (notifications, failed delivery attempts). */
  appendEvent(id: string, event: ApprovalRequest['events'][number]): Promise<void>;
  listPending(query: ListPendingQuery): Promise<Page<ApprovalRequest>>;
  /** Pending requests whose due time is at or before `now`, oldest first. */
  listDue(now: Date, limit: number): Promise<ApprovalRequest[]>;
  /** Decided requests whose decision has not reached the workflow yet. */
  listUndelivered(limit: number): Promise<ApprovalRequest[]>;
  listDecided(query: HistoryQuery): Promise<Page<ApprovalRequest>>;
}

/** Delegations (out of office), one per delegating person. */
export interface Delegations {
  /** Sets `delegation.userId`'s delegation, replacing any earlier one. */
  put(delegation: Delegation): Promise<void>;
  get(userId: string): Promise<Delegation | undefined>;
  /** Ends `userId`'s delegation; returns the one ended, or undefined when there was none. */
  remove(userId: string): Promise<Delegation | undefined>;
  /** The delegations naming `delegate` whose window holds `now`: one Query (and a consistent read per match). */
  activeFor(delegate: string, now: Date): Promise<Delegation[]>;
}

export interface AuditLog {
  append(record: AuditRecord): Promise<AuditEntry>;
  list(query: AuditQuery): Promise<Page<AuditEntry>>;
  /** Every entry of one execution in order. */
  chain(executionId: string): Promise<AuditEntry[]>;
}

/** Thrown by Workflows when the task token is no longer waiting (TaskTimedOut, TaskDoesNotExist, InvalidToken). */
export const GONE_TOKEN_ERRORS = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'] as const;

export interface ExecutionDescription {
  readonly executionArn: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** Step Functions, as the system needs it; the AWS SDK adapter and the local engine implement it alike. */
export interface Workflows {
  startExecution(stateMachineArn: string, input: unknown, name?: string): Promise<{ executionArn: string }>;
  sendTaskSuccess(taskToken: string, output: WorkflowDecision | Record<string, unknown>): Promise<void>;
  sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
  describeExecution(executionArn: string): Promise<ExecutionDescription>;
}

export type NotifyReason = 'created' | 'escalated';

/** Tells approvers about a request. Must not throw for a channel's failure: it reports per channel. */
export interface Notifier {
  notify(request: ApprovalRequest, reason: NotifyReason): Promise<NotifyReport[]>;
}

export interface NotifyReport {
  readonly channel: string;
  readonly ok: boolean;
  readonly recipients?: string[];
  readonly error?: string;
}

/** Counters of decisions for insights; recording is best effort and never fails a decision. */
export interface DecisionStats {
  record(sample: StatsSample): Promise<void>;
  rows(from: Date, to: Date): Promise<StatsRow[]>;
}

/**
 * Checks tool arguments against the tool's argument schema, so an approver's edited arguments are
 * refused at respond time. An empty list means they fit, or that the tool is not one we know.
 */
export interface ToolArgsValidator {
  validate(toolName: string, args: Record<string, unknown>): { path: string; message: string }[];
  /** The arguments as the tool will get them (schema defaults filled in), which is what policies see; unchanged when unknown or invalid. */
  withDefaults(toolName: string, args: Record<string, unknown>): Record<string, unknown>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
