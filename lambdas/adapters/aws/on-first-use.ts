/**
 * A value made on the first call and shared by every later one; a failed attempt is forgotten, so
 * the next call tries again.
 *
 * With `import()` inside, it loads an AWS SDK client that a function rarely needs (Cognito, Secrets
 * Manager, SES, Lambda, Bedrock) on first use instead of at every cold start: the bundle carries the
 * client's code, but runs it only when imported.
 */
export function onFirstUse<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    }));
}
