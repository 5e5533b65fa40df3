import type { PayloadStore } from '#ports';
import { resolvePayloads, spillState, type KnownPayloads } from '#usecases/large-state';

/** A step's event with its large values read back, and what it read (to store them again for free). */
export interface ReadEvent {
  readonly event: unknown;
  readonly known: KnownPayloads;
}

/**
 * Reads back the large values a flow step's event refers to (in its state and its call's arguments),
 * so the step sees them whole. An event without an execution id is left as it is: its parse fails.
 */
export async function readLargeValues(payloads: PayloadStore, event: unknown): Promise<ReadEvent> {
  const executionId = (event as { executionId?: unknown } | null)?.executionId;
  if (typeof executionId !== 'string' || executionId.length === 0) return { event, known: new Map() };
  const read = await resolvePayloads(payloads, executionId, event);
  return { event: read.value, known: read.known };
}

/** The state a step returns, with its largest values stored apart until it fits through Step Functions. */
export function storeLargeValues(payloads: PayloadStore, executionId: string, state: unknown, read: ReadEvent): Promise<unknown> {
  return spillState(payloads, executionId, state, read.known);
}
