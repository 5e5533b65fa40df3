/** One decision's result in `POST /approvals/batch-respond`'s `{results}`. */
export interface BatchOutcome {
  readonly id: string;
  /** The HTTP status this decision alone would have had (200/202 done, 409 already decided, ...). */
  readonly status: number;
  readonly approvalStatus?: string;
  readonly error?: { readonly code: string; readonly message: string; readonly policyId?: string };
}

/** One line per decision, and how many went through. */
export function describeOutcomes(outcomes: readonly BatchOutcome[]): { done: number; failed: number; lines: { id: string; ok: boolean; text: string }[] } {
  const lines = outcomes.map((outcome) => {
    const ok = outcome.status < 300 && !outcome.error;
    return { id: outcome.id, ok, text: ok ? (outcome.approvalStatus ?? 'done') : `${outcome.status}: ${outcome.error?.message ?? 'refused'}` };
  });
  const done = lines.filter((line) => line.ok).length;
  return { done, failed: lines.length - done, lines };
}
