import type { LocalStepFunctions } from '#local/stepfunctions-engine';

type Method<T> = { [K in keyof T]: T[K] extends (...args: any[]) => any ? K : never }[keyof T];

/**
 * Puts `wrapper` in front of `target[method]` on that one object (the adapters' seam: the local app
 * hands the same store, engine and notifier objects to every handler). The wrapper gets the original,
 * bound. Returns a function that removes it again.
 */
export function interpose<T extends object, K extends Method<T>>(
  target: T,
  method: K,
  wrapper: (original: T[K], ...args: Parameters<Extract<T[K], (...args: any[]) => any>>) => ReturnType<Extract<T[K], (...args: any[]) => any>>,
): () => void {
  const own = Object.prototype.hasOwnProperty.call(target, method);
  const previous = target[method];
  const original = (previous as (...args: unknown[]) => unknown).bind(target) as T[K];
  (target as Record<PropertyKey, unknown>)[method as PropertyKey] = (...args: Parameters<Extract<T[K], (...args: any[]) => any>>) => wrapper(original, ...args);
  return () => {
    if (own) (target as Record<PropertyKey, unknown>)[method as PropertyKey] = previous;
    else delete (target as Record<PropertyKey, unknown>)[method as PropertyKey];
  };
}

/** An error shaped like the AWS SDK's service exceptions: `name` is the error code the use cases read. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

export interface DeliveryLog {
  /** Task tokens SendTaskSuccess accepted, one entry per accepted call. */
  readonly accepted: string[];
  /** Calls that threw, with the error name. */
  readonly refused: { token: string; error: string }[];
  acceptedFor(token: string): number;
  restore(): void;
}

/** Counts what the local engine's SendTaskSuccess accepts and refuses, by wrapping it. */
export function recordDeliveries(engine: LocalStepFunctions): DeliveryLog {
  const accepted: string[] = [];
  const refused: { token: string; error: string }[] = [];
  const restore = interpose(engine, 'sendTaskSuccess', async (original, token, output) => {
    try {
      await original(token, output);
      accepted.push(token);
    } catch (error) {
      refused.push({ token, error: (error as Error).name });
      throw error;
    }
  });
  return { accepted, refused, acceptedFor: (token) => accepted.filter((t) => t === token).length, restore };
}

/** A promise that never settles: what a call looks like from inside a process that was killed mid-way. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
