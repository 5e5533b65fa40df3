import { verifyChain, type ChainVerdict } from '#core/audit-chain';
import type { AuditLog } from '#ports';

/** Re-computes an execution's audit chain and names the first entry that does not check out. */
export async function verifyAudit(audit: AuditLog, executionId: string): Promise<ChainVerdict & { executionId: string }> {
  const entries = await audit.chain(executionId);
  return { executionId, ...verifyChain(entries) };
}
