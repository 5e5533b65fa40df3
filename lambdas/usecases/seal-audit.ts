import { requestChainId, sealEntry } from '#core/audit-chain';
import type { OwedFollowUp } from '#core/follow-up';
import { auditTailOf } from '#core/request-audit-tail';
import type { ApprovalRequest } from '#core/request';
import type { AuditLog } from '#ports';

/**
 * Seals the audit entries a state change of `request` owes onto the request's own chain, after where
 * it ended when `request` was read. The write that records them owed also moves the chain's tail, on
 * the condition that nobody moved it since (see ApprovalStore.transition), so each entry's place, time
 * and MAC are settled by that one conditional write: storing the entry afterwards reads nothing first,
 * and a retry after a crash stores the same entry at the same place or finds it there.
 */
export async function sealAuditFollowUps(audit: Pick<AuditLog, 'key'>, request: ApprovalRequest, followUps: readonly OwedFollowUp[]): Promise<OwedFollowUp[]> {
  if (!followUps.some((f) => f.kind === 'audit' && !f.entry)) return [...followUps];
  // A function without the key (or whose key read failed) leaves the entries unsealed: whoever does
  // the follow-up then appends them to the execution's chain, as entries not tied to a request are.
  const key = await audit.key().catch(() => undefined);
  if (key === undefined) return [...followUps];
  let tail = auditTailOf(request);
  return followUps.map((f) => {
    if (f.kind !== 'audit' || f.entry) return f;
    const entry = sealEntry(key, f.record, tail, f.owedAt, requestChainId(request.id));
    tail = { seq: entry.seq, hash: entry.hash };
    return { ...f, entry };
  });
}
