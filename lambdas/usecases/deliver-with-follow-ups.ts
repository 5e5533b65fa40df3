import type { OwedFollowUp } from '#core/follow-up';
import type { ApprovalRequest } from '#core/request';
import { deliverDecision, type DeliverDeps, type DeliverOptions, type DeliveryOutcome } from './deliver-decision.ts';
import { performFollowUps, type FollowUpDeps } from './perform-follow-ups.ts';

/**
 * Delivers the decision a write just stored and does the follow-ups that write owes beside it: the
 * write that records the delivery marks them done too, so after the deciding write one more write
 * settles the request (if the delivery records nothing, they are marked done on their own). Used
 * wherever a decision is made: an approver's answer and the sweeper's timeout.
 */
export async function deliverWithFollowUps(
  deps: DeliverDeps & FollowUpDeps,
  decided: ApprovalRequest,
  taskToken: string | undefined,
  owed: readonly OwedFollowUp[],
  options: Pick<DeliverOptions, 'returnRecorded'> = {},
): Promise<DeliveryOutcome> {
  const followUps = performFollowUps(deps, decided.id, { held: owed, state: decided, callerMarksDone: true });
  // Never rejects: a failure of the follow-ups surfaces below, when they are awaited.
  const done = followUps.then((report) => report.done, () => undefined);
  const delivered = await deliverDecision(deps, decided, taskToken, { ...options, followUpsDone: done });
  const report = await followUps;
  if (!delivered.followUpsMarked) await deps.store.completeFollowUps(decided.id, report.done);
  return delivered;
}
