import type { ReadAccess } from '#core/read-access';
import type { ApprovalStore, AuditLog, Clock, DecisionStats, Notifier, ToolArgsValidator, WebhookDelivery, Workflows } from '#ports';

/** Everything a handler needs, wired once per process: AWS adapters in Lambda, local engines in local mode. */
export interface AppDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly workflows: Workflows;
  readonly notifier: Notifier;
  readonly clock: Clock;
  /** Decision counters for GET /stats; absent where insights are not wanted. */
  readonly stats?: DecisionStats;
  /** The tools' argument schemas, so edited arguments are checked when an approver responds. */
  readonly toolArgs?: ToolArgsValidator;
  /** Who reads what: the admin and auditor groups. */
  readonly access: ReadAccess;
  /** Signs and POSTs decisions to the webhooks of requests made over HTTP; absent where none may be called. */
  readonly webhooks?: WebhookDelivery;
}
