import { httpStatusOf, HitlError, PolicyRefusedError } from '#core/errors';
import type { Identity } from '#core/identity';
import type { BatchRespondBody } from '#core/batch-input';
import { respond, type RespondDeps } from './respond.ts';

export interface BatchOutcome {
  readonly id: string;
  /** The HTTP status this decision alone would have had. */
  readonly status: number;
  readonly approvalStatus?: string;
  readonly delivery?: string;
  /** `policyId` names the policy that refused an edit. */
  readonly error?: { code: string; message: string; policyId?: string };
}

/**
 * Decides several requests in one call. Each goes through the same respond() as a single decision,
 * so a request no longer pending is reported and never overwritten, and each workflow resumes once.
 * They run one after another: several tool calls of one turn belong to one execution.
 */
export async function batchRespond(
  deps: RespondDeps,
  input: BatchRespondBody & { identity: Identity; channel: string },
): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  for (const { id, ...body } of input.decisions) {
    try {
      const result = await respond(deps, { ...body, id, identity: input.identity, channel: input.channel });
      outcomes.push({
        id,
        status: result.delivery === 'delivered' || !result.decidedNow ? 200 : 202,
        approvalStatus: result.approval.status,
        delivery: result.delivery,
      });
    } catch (error) {
      if (!(error instanceof HitlError)) throw error;
      const policy = error instanceof PolicyRefusedError ? { policyId: error.policyId } : {};
      outcomes.push({ id, status: httpStatusOf(error), error: { code: error.code, message: error.message, ...policy } });
    }
  }
  return outcomes;
}
