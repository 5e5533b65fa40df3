/** Where a secret comes from (Secrets Manager, a local file, a test value); read when needed. */
export type SecretSource = () => Promise<string>;

/** A fixed secret (tests, in-memory local mode). */
export function staticSecret(value: string): SecretSource {
  return async () => value;
}

/**
 * Reads the secret once per process and keeps it; a failed read is not kept, so the next call
 * tries again instead of failing until the process is recycled.
 */
export function cachedSecret(read: SecretSource): SecretSource {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= read().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
