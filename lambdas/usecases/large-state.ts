import { isPayloadRef, planSpill, refsIn, replaceAt, replaceRefs, STATE_SPILL_BUDGET_BYTES, type PayloadRef } from '#core/payload-ref';
import type { PayloadStore } from '#ports';

/** Texts read back from references, by text, so storing one of them again costs no write. */
export type KnownPayloads = ReadonlyMap<string, PayloadRef>;

/**
 * Reads every reference in `value` back into the text it names, each text once. Returns the value
 * as the step that needs it sees it, and the texts it read.
 */
export async function resolvePayloads(store: PayloadStore, executionId: string, value: unknown): Promise<{ value: unknown; known: KnownPayloads }> {
  const texts = await readAll(store, executionId, refsIn(value));
  const known = new Map<string, PayloadRef>();
  const resolved = replaceRefs(value, (ref) => {
    const text = texts.get(ref.sha256)!;
    known.set(text, ref);
    return text;
  });
  return { value: resolved, known };
}

/**
 * Makes a state fit through Step Functions: the texts it read back go back to their references (no
 * write), then the largest texts are stored apart until it fits (see planSpill). Storing happens
 * before the step returns, so a reference in a returned state always names a stored text.
 */
export async function spillState(
  store: PayloadStore,
  executionId: string,
  state: unknown,
  known: KnownPayloads = new Map(),
  budget = STATE_SPILL_BUDGET_BYTES,
): Promise<unknown> {
  let carried = known.size > 0 ? backToRefs(state, known) : state;
  for (const choice of planSpill(carried, budget)) {
    const ref = known.get(choice.text) ?? (await store.put(executionId, choice.text));
    carried = replaceAt(carried, choice.path, ref);
  }
  return carried;
}

/** The most an audit entry's detail holds inline: larger texts are stored apart and the entry keeps their references. */
export const AUDIT_DETAIL_BUDGET_BYTES = 64 * 1024;

/**
 * An audit entry's detail that fits its item: large texts (a tool's result, an agent's long answer)
 * become references. The entry's MAC covers the reference and so the text's SHA-256: the chain still
 * proves what was said.
 */
export async function auditableDetail<T extends Record<string, unknown>>(store: PayloadStore | undefined, executionId: string, detail: T): Promise<T> {
  if (!store) return detail;
  return (await spillState(store, executionId, detail, new Map(), AUDIT_DETAIL_BUDGET_BYTES)) as T;
}

/**
 * `value` with each referenced text cut to its first `maxChars` characters and a note of its size,
 * for copies that must stay small (an approval request's action and context, notifications).
 */
export async function previewPayloads(store: PayloadStore, executionId: string, value: unknown, maxChars: number): Promise<unknown> {
  const texts = await readAll(store, executionId, refsIn(value));
  return replaceRefs(value, (ref) => `${texts.get(ref.sha256)!.slice(0, maxChars)}… [${ref.bytes} bytes in all; the request shows it whole]`);
}

/**
 * `value` with its references read back, for a reader (an approver, a requester) who asked for one
 * request or execution, up to `maxBytes` of stored text in all: references beyond that stay as they
 * are and show the text's size. A text that is gone stays a reference too.
 */
export async function resolveForView(store: PayloadStore, executionId: string, value: unknown, maxBytes = VIEW_PAYLOAD_BYTES): Promise<unknown> {
  const texts = new Map<string, string>();
  let total = 0;
  for (const ref of unique(refsIn(value))) {
    if (total + ref.bytes > maxBytes) continue;
    try {
      texts.set(ref.sha256, await store.get(executionId, ref));
      total += ref.bytes;
    } catch {
      // Past its retention: the reference still says what was there.
    }
  }
  return replaceRefs(value, (ref) => texts.get(ref.sha256) ?? ref);
}

/**
 * Stored text one view of a request or execution reads back. A request's view may show a text twice
 * (its action and its checkpoint) and JSON escapes some characters, so 1.5 MB keeps the answer well
 * under Lambda's 6 MB response.
 */
export const VIEW_PAYLOAD_BYTES = 1.5 * 1024 * 1024;

async function readAll(store: PayloadStore, executionId: string, refs: PayloadRef[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const ref of unique(refs)) texts.set(ref.sha256, await store.get(executionId, ref));
  return texts;
}

function unique(refs: PayloadRef[]): PayloadRef[] {
  return [...new Map(refs.map((ref) => [ref.sha256, ref])).values()];
}

function backToRefs(value: unknown, known: KnownPayloads): unknown {
  if (typeof value === 'string') return known.get(value) ?? value;
  if (isPayloadRef(value)) return value;
  if (Array.isArray(value)) return value.map((item) => backToRefs(item, known));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, backToRefs(item, known)]));
  return value;
}
