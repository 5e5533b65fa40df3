/** Single use of decision links: a link's nonce is claimed once, atomically. */
export interface LinkNonces {
  /** Whether the nonce has been claimed. */
  isUsed(nonce: string): Promise<boolean>;
  /**
   * Claims the nonce; false when it was claimed before (by this or a racing request).
   * `keepUntil` is when the record may be forgotten (after the link itself has expired).
   */
  claim(nonce: string, detail: { requestId: string; approver: string; decision: string; at: Date; keepUntil: Date }): Promise<boolean>;
  /** Gives a claimed nonce back, when the decision failed for a reason that is not the link's fault. */
  release(nonce: string): Promise<void>;
}
