/** Names of the single table's key attributes and indexes; the CDK table construct declares the same. */
export const TABLE_KEYS = { partition: 'pk', sort: 'sk' } as const;

export const INDEXES = {
  /** Pending requests, newest first. Sparse: only pending requests carry gsi1. */
  pending: { name: 'pending', pk: 'gsi1pk', sk: 'gsi1sk' },
  /** Pending requests by due time. Sparse: the sweeper reads only what has expired. */
  due: { name: 'due', pk: 'gsi2pk', sk: 'gsi2sk' },
  /** Decisions not yet delivered to their workflow. Sparse. */
  undelivered: { name: 'undelivered', pk: 'gsi3pk', sk: 'gsi3sk' },
  /** Time-ordered views: decided requests (history) and audit entries. */
  timeline: { name: 'timeline', pk: 'gsi4pk', sk: 'gsi4sk' },
} as const;

export const TTL_ATTRIBUTE = 'expiresAt';
