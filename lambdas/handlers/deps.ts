import type { ReadAccess } from '#core/read-access';
import type { ApprovalStore, AuditLog, Clock, DecisionMetrics, DecisionRollup, DecisionStats, Delegations, DurableCallbacks, GateCatalog, Notifier, PayloadStore, ToolArgsValidator, WebhookDelivery, Workflows } from '#ports';
import type { Directory } from '../channels/directory.ts';

/** Everything a handler needs, wired once per process: AWS adapters in Lambda, local engines in local mode. */
export interface AppDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly workflows: Workflows;
  readonly notifier: Notifier;
  readonly clock: Clock;
  /** Decision counters for GET /stats; absent where insights are not wanted. */
  readonly stats?: DecisionStats;
  /** Counts decisions from the decided timeline into `stats` (the sweeper runs it). */
  readonly rollup?: DecisionRollup;
  /** Where each decision the rollup counts is published as well (CloudWatch metrics on AWS). */
  readonly decisionMetrics?: DecisionMetrics;
  /** The tools' argument schemas, so edited arguments are checked when an approver responds. */
  readonly toolArgs?: ToolArgsValidator;
  /** Who reads what: the admin and auditor groups. */
  readonly access: ReadAccess;
  /** Signs and POSTs decisions to the webhooks of requests made over HTTP; absent where none may be called. */
  readonly webhooks?: WebhookDelivery;
  /** Completes the callbacks of Lambda durable functions that asked over HTTP; absent where none may be called back. */
  readonly durableCallbacks?: DurableCallbacks;
  /** Delegations (out of office); with `directory`, delegates may decide on behalf of approvers. */
  readonly delegations?: Delegations;
  /** The known users and their groups: a delegate must be one, and a delegator's rights come from it. */
  readonly directory?: Pick<Directory, 'person'>;
  /** Large values of flow states, kept apart; views of requests and executions read them back. */
  readonly payloads?: PayloadStore;
  /** The named gates agents ask; with them the MCP server offers `request_approval`. */
  readonly agentGates?: AgentGates;
}

/** What asking a named gate needs besides the approval store: the gates, who may ask, and where webhooks may point. */
export interface AgentGates {
  readonly gates: GateCatalog;
  /** Groups whose members may ask gates (locally `agents`). */
  readonly agentGroups: readonly string[];
  /** `https` on AWS, `loopback` locally. */
  readonly webhookRule: 'https' | 'loopback';
}
