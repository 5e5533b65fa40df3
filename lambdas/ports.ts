import type { AuditEntry, AuditRecord } from '#core/audit-entry';
import type { DecidedSample, StatsDelta } from '#core/decision-rollup';
import type { StatsRow, StatsSample } from '#core/decision-stats';
import type { OwedFollowUp } from '#core/follow-up';
import type { Gate, GateRevision } from '#core/gate';
import type { Delegation } from '#core/delegation';
import type { ListedRequest } from '#core/listed-request';
import type { DurableCallbackError } from '#core/durable-completion';
import type { StepEvent } from '#core/execution-graph';
import type { PayloadRef } from '#core/payload-ref';
import type { ApprovalRequest, HistoryEvent, Vote, WorkflowDecision } from '#core/request';

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
  /**
   * Stores a new request with its task token (a durable function's callback id for a `durable`
   * callback; none for a webhook or nothing) and the follow-ups it owes, unless one with the same id exists (then returns it).
   */
  create(request: ApprovalRequest, taskToken?: string, followUps?: readonly OwedFollowUp[]): Promise<CreateResult>;
  /**
   * A retried gate waits on a new task token: store it, and if the request was already decided,
   * mark the decision undelivered again so it reaches the new token.
   */
  refreshTaskToken(id: string, taskToken: string, at: Date): Promise<ApprovalRequest>;
  get(id: string): Promise<ApprovalRequest | undefined>;
  /** The requests one execution has made, oldest first. */
  listByExecution(executionId: string): Promise<ApprovalRequest[]>;
  /** The task token the workflow waits on (or the durable function's callback id); never leaves the server. */
  getTaskToken(id: string): Promise<string | undefined>;
  /**
   * Writes `next` over `previous` only while the stored request is still pending at `previous.level`
   * with `previous.dueAt` (so an expiry never follows a deadline that was extended meanwhile).
   * Throws ConcurrentUpdateError when another writer changed it first. When `next` carries a decision,
   * the request also takes a delivery lease until `leaseUntil`. Resolves to the stored task token, so
   * the decision can be delivered without reading it again (it stays server-side all the same).
   * `followUps` are recorded as owed by the same write.
   */
  transition(previous: ApprovalRequest, next: ApprovalRequest, leaseUntil?: Date, followUps?: readonly OwedFollowUp[]): Promise<{ taskToken?: string }>;
  /**
   * Adds one person's vote while the request is pending at its level, the person has not voted, and
   * the count of its kind (rejections, or approvals of `ballot`, the arguments it approves) is below
   * `limit`. Throws ConcurrentUpdateError otherwise. `followUps` are recorded as owed by the same write.
   */
  recordVote(request: ApprovalRequest, vote: Vote, ballot: string, limit: number, followUps?: readonly OwedFollowUp[]): Promise<ApprovalRequest>;
  /** The follow-ups a request still owes (none once all are done). */
  owedFollowUps(id: string): Promise<OwedFollowUp[]>;
  /**
   * Takes follow-ups for doing until `leaseUntil`: those still owed and held by nobody else, or with
   * `takeOver` whoever holds them (one write when all can be taken). Resolves to the ones taken, each
   * saying whether an earlier doer held it.
   */
  claimFollowUps(id: string, followUpIds: readonly string[], now: Date, leaseUntil: Date, takeOver?: boolean): Promise<FollowUpClaim[]>;
  /** Gives a follow-up back undone (its doer failed), so the next sweep may take it at once. */
  releaseFollowUp(id: string, followUpId: string): Promise<void>;
  /**
   * Marks follow-ups done (removes them); idempotent. The last one takes the request out of the owed
   * list. `events` (the history notes of what was done) are appended by the same write when it marks
   * them all at once, otherwise right after.
   */
  completeFollowUps(id: string, followUpIds: readonly string[], events?: readonly HistoryEvent[]): Promise<void>;
  /** Takes a request that owes nothing out of the owed list (what a crash after its last completion leaves). */
  clearOwedMark(id: string): Promise<void>;
  /**
   * Ids of requests that owe follow-ups since `owedBefore` or earlier, oldest first, a page at a time
   * (`after`: the last id of the previous page's `next`).
   */
  listOwed(owedBefore: Date, limit: number, after?: OwedCursor): Promise<{ ids: string[]; next?: OwedCursor }>;
  /** Takes the delivery lease of an undelivered decision if it is free; false if someone else holds it. */
  acquireDeliveryLease(id: string, now: Date, leaseUntil: Date): Promise<boolean>;
  /**
   * Records the outcome of delivering the decision; idempotent. Returns the request as recorded, or
   * undefined if someone recorded it first. `followUpsDone` (done by the caller, which holds them) are
   * marked done too, in the same write when they are all the request owes. A caller that has no use
   * for the request as recorded passes `returnRecorded: false`: the write then returns nothing (the
   * item with its history can weigh hundreds of kilobytes), and neither does this.
   */
  markDelivery(
    id: string,
    outcome: 'delivered' | 'workflow_gone' | 'gave_up',
    at: Date,
    detail?: Record<string, unknown>,
    followUpsDone?: readonly string[],
    options?: { readonly returnRecorded?: boolean },
  ): Promise<ApprovalRequest | undefined>;
  /**
   * After a failed webhook attempt (the caller holds the lease): counts it, records `event`, and keeps
   * the decision undelivered but out of reach until `nextAttemptAt`. False if it was delivered meanwhile.
   */
  scheduleRetry(id: string, attempts: number, nextAttemptAt: Date, event: ApprovalRequest['events'][number]): Promise<boolean>;
  /** Appends a history event that is not a state change (notifications, failed delivery attempts). */
  appendEvent(id: string, event: ApprovalRequest['events'][number]): Promise<void>;
  /** Pending requests, newest first, with only the attributes a listing reads (no conversation, checkpoint or history). */
  listPending(query: ListPendingQuery): Promise<Page<ListedRequest>>;
  /** Pending requests whose due time is at or before `now`, oldest first. */
  listDue(now: Date, limit: number): Promise<ApprovalRequest[]>;
  /** Decided requests whose decision has not reached the workflow yet; with `now`, only those due for an attempt. */
  listUndelivered(limit: number, now?: Date): Promise<ApprovalRequest[]>;
  /** Decided requests, newest first, with only the attributes a listing reads. */
  listDecided(query: HistoryQuery): Promise<Page<ListedRequest>>;
}

/** How an append with an event id finds out whether an earlier attempt of it already landed. */
export interface AppendOnce {
  /**
   * An earlier doer of this event may have written it (it died or failed after its write): its entry,
   * if any, was written after this time (when the event became owed).
   */
  readonly landedSince?: string;
}

/** Where the previous page of owed requests ended. */
export type OwedCursor = Record<string, unknown>;

export interface FollowUpClaim {
  readonly id: string;
  /** Someone took it before and did not finish: what they did may have landed. */
  readonly takenOver: boolean;
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
  /**
   * Appends an entry to its execution's chain. With `record.eventId`, at most one entry per id: an
   * earlier attempt that landed is returned instead of written again. Retries a contended chain with
   * backoff; when it still cannot append, throws AuditAppendError (nothing is dropped silently).
   */
  append(record: AuditRecord, once?: AppendOnce): Promise<AuditEntry>;
  /**
   * Stores an entry sealed beforehand (see `sealEntry`) at its place in its chain, reading nothing
   * first. Idempotent: the same entry found there is success; another one there is AuditAppendError.
   */
  appendSealed(entry: AuditEntry): Promise<AuditEntry>;
  list(query: AuditQuery): Promise<Page<AuditEntry>>;
  /** Every entry of one execution in order. */
  chain(executionId: string): Promise<AuditEntry[]>;
  /** The key the chain's MACs are computed with (read once per process). */
  key(): Promise<string>;
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

/**
 * One step of an execution's history, as Step Functions records it: a state entered (with its input),
 * exited (with its output) or failed (with the error). `data` is the state's input or output, parsed.
 */
export type WorkflowStepEvent = StepEvent;

/** An execution's state-by-state history (GetExecutionHistory on AWS; the local engine keeps its own). */
export interface WorkflowHistory {
  /** Oldest first. Throws ExecutionDoesNotExist for an execution the engine does not know. */
  executionHistory(executionArn: string): Promise<WorkflowStepEvent[]>;
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

/**
 * Statistics for insights. Decisions are counted by the rollup (DecisionRollup) from the decided
 * timeline; escalations, which are no decisions, are counted one by one as they happen (best effort,
 * never failing the escalation).
 */
export interface DecisionStats {
  /** Adds one sample to its day's counters at once. */
  record(sample: StatsSample): Promise<void>;
  /** The statistics of the days from `from` to `to`: rolled-up counts plus the decisions after them. */
  read(from: Date, to: Date): Promise<StatsReading>;
  /** The watermark of the rollup: decisions before it are counted by it. Undefined before its first run. */
  rolledUpTo(): Promise<string | undefined>;
}

export interface StatsReading {
  readonly rows: StatsRow[];
  /**
   * Set when there were more decisions after the rollup than one reading takes: the rows then count
   * every decision up to this time (ISO), and only some after it.
   */
  readonly partialAfter?: string;
}

/** Where counted decisions are published besides the statistics (CloudWatch metrics on AWS). */
export interface DecisionMetrics {
  record(sample: StatsSample): Promise<void>;
}

/**
 * Counts decisions from the decided timeline into the per-day statistics items, window by window
 * (see ROLLUP_WINDOW_MS), behind a watermark.
 */
export interface DecisionRollup {
  /** Where the rollup has got to: every window before it is counted. Undefined before the first run. */
  watermark(): Promise<string | undefined>;
  /** Sets the first watermark, unless another run did. */
  start(at: string): Promise<void>;
  /** When the oldest decision in the timeline was made; undefined when there is none. */
  oldestDecision(): Promise<string | undefined>;
  /** Whether the statistics of `day` hold decision counts (added before the rollup, one by one). */
  hasDecisionCounts(day: string): Promise<boolean>;
  /** The decisions from `from` (inclusive) to `to` (exclusive), oldest first. */
  decided(from: string, to: string): AsyncIterable<DecidedSample>;
  /**
   * Adds one window's counts to their items. Each item takes a window once: a repeat (a rollup that
   * died half way and runs again, or a second one at the same time) adds nothing to the items that
   * have it.
   */
  add(windowEnd: string, deltas: readonly StatsDelta[]): Promise<void>;
  /** Moves the watermark forward to `to`; false if it was there or beyond already. */
  advance(to: string): Promise<boolean>;
}

/**
 * Checks tool arguments against the tool's argument schema, so an approver's edited arguments are
 * refused at respond time. An empty list means they fit, or that the tool is not one we know.
 */
export interface ToolArgsValidator {
  validate(toolName: string, args: Record<string, unknown>): Promise<{ path: string; message: string }[]>;
  /** The arguments as the tool will get them (schema defaults filled in), which is what policies see; unchanged when unknown or invalid. */
  withDefaults(toolName: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** The named gates agents may call, by id. */
export interface GateCatalog {
  /** The gate as it applies now, with its revision when revisions are stored. */
  get(id: string): Promise<{ readonly gate: Gate; readonly revision?: number } | undefined>;
  list(): Promise<Gate[]>;
}

/** Gate revisions: each save is one conditional put of the next revision, so there is no head to drift. */
export interface GateStore {
  /** The newest revision of a gate. */
  current(gateId: string): Promise<GateRevision | undefined>;
  /** The newest revision of every gate. */
  listCurrent(): Promise<GateRevision[]>;
  /** A gate's revisions, newest first (at most 100). */
  listRevisions(gateId: string): Promise<GateRevision[]>;
  /** Stores `revision` unless that number exists; ConcurrentUpdateError when someone saved it first. */
  add(revision: GateRevision): Promise<void>;
}

/** What a webhook receiver answered; `status` 0 when it did not answer in time or could not be reached. */
export interface WebhookResponse {
  readonly status: number;
  readonly error?: string;
}

/** POSTs a decision to a caller's webhook. Never throws: a failure is a status 0 with the error. */
export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<WebhookResponse>;
}

/** Webhook delivery: the sender, and the secret deliveries are signed with. */
export interface WebhookDelivery {
  readonly sender: WebhookSender;
  readonly signingSecret: () => Promise<string>;
}

/**
 * Completes Lambda durable functions' callbacks (SendDurableExecutionCallbackSuccess / Failure).
 * Throws the service's error names: `CallbackTimeoutException` when the callback is closed already
 * (completed before, or timed out), `ResourceNotFoundException` when it never existed or is gone.
 */
export interface DurableCallbacks {
  succeed(callbackId: string, result: string): Promise<void>;
  fail(callbackId: string, error: DurableCallbackError): Promise<void>;
}

/** The callback is closed: completed earlier (by this system, before a crash kept it from recording so) or timed out. */
export const CLOSED_CALLBACK_ERRORS = ['CallbackTimeoutException'] as const;
/** No such callback (any more): the function's execution is gone. */
export const GONE_CALLBACK_ERRORS = ['ResourceNotFoundException'] as const;

/**
 * Texts too large to travel in a flow execution's state (see `#core/payload-ref`), kept per
 * execution. Content-addressed, so storing the same text again rewrites the same items.
 */
export interface PayloadStore {
  /** Stores `text` for `executionId` and returns the reference the state carries instead. */
  put(executionId: string, text: string): Promise<PayloadRef>;
  /** The text `ref` names in `executionId`; throws PayloadUnavailableError when it is gone or does not match. */
  get(executionId: string, ref: PayloadRef): Promise<string>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
