import * as z from 'zod';

/**
 * A tool run whose outcome is unknown: it was claimed, then its invocation died (a crash, a timeout,
 * a killed server) between the effect and the record of it. For an `at_most_once` tool this is what
 * a person is shown before deciding whether to run the call again.
 */
export const UnknownOutcomeEvidenceSchema = z.object({
  tool: z.string().max(128),
  /** The key the interrupted run used; the provider saw it (an email's `X-Hitl-Idempotency-Key` header). */
  idempotencyKey: z.string().max(512),
  /** When the interrupted run claimed the call. */
  startedAt: z.string(),
  /** The invocation that claimed it (the Lambda request id on AWS), or `unrecorded` for an older claim. */
  attempt: z.string().max(256),
  /** When, and by which invocation, the interruption was found. */
  detectedAt: z.string(),
  detectedBy: z.string().max(256),
  note: z.string().max(500),
});
export type UnknownOutcomeEvidence = z.infer<typeof UnknownOutcomeEvidenceSchema>;

/** The id of the policy that asks a person about an interrupted `at_most_once` call (the request's `policy.id`). */
export const UNKNOWN_OUTCOME_POLICY_ID = 'delivery:at_most_once';

/** The gate step of the question about an interrupted call: derived from its own step, so a re-run finds the same request. */
export function unknownOutcomeStep(step: string): string {
  return `${step}#unknown`;
}

/** What an approver reads about the question (the request's `policy.why`). */
export function unknownOutcomeWhy(evidence: UnknownOutcomeEvidence): string {
  return (
    `${evidence.tool} was interrupted after it started (${evidence.startedAt}) and before its outcome was recorded: ` +
    'it may or may not have happened. It is never repeated on its own. Approve to run it again, reject to leave it as it is.'
  );
}

/** What the agent reads when an interrupted call was not run again, and why. */
export function notRepeatedReason(evidence: UnknownOutcomeEvidence, why?: string): string {
  const because = why ? ` ${why}` : '';
  return `${evidence.tool} was interrupted before its outcome was recorded, so it may or may not have happened.${because} It was not run again.`;
}
