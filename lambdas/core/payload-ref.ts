import * as z from 'zod';
import { payloadBytes } from './flow-errors.ts';

/**
 * Large values kept out of a flow execution's state. Step Functions carries at most 256 KB into and
 * out of every state, so a text too large to travel (a tool result, an agent turn) is stored apart,
 * per execution, and the state carries a reference in its place. Texts are content-addressed: the
 * reference names the SHA-256 of the text, so the same text always lands in the same stored items
 * (a retried step rewrites them, never adds others), and a reader checks what it got against it.
 */
export const PAYLOAD_REF_KIND = 'hitl:payload';

export const PayloadRefSchema = z
  .object({
    $ref: z.literal(PAYLOAD_REF_KIND),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** The text's length in UTF-8 bytes. */
    bytes: z.number().int().min(0),
  })
  .strict();
export type PayloadRef = z.infer<typeof PayloadRefSchema>;

export function isPayloadRef(value: unknown): value is PayloadRef {
  return typeof value === 'object' && value !== null && (value as { $ref?: unknown }).$ref === PAYLOAD_REF_KIND && PayloadRefSchema.safeParse(value).success;
}

/**
 * How large a flow state may be as the flow functions return it. A task's input is the state plus
 * the node's settings and a few ids; a gate's is the state plus its action again (the approver's
 * copy), the node's settings and the task token (up to 8 KB). 200 KB leaves 56 KB of the 256 KB
 * for those, which the shipped flows' largest node (a few KB of settings and CEL rules) is far from.
 */
export const STATE_SPILL_BUDGET_BYTES = 200 * 1024;
/** Texts shorter than this stay in the state: a reference (about 120 bytes) saves too little. */
export const SPILL_MIN_BYTES = 4 * 1024;
/** A reference as JSON, the most it can take up (a 64-digit hash, a 10-digit size). */
const REF_BYTES = payloadBytes({ $ref: PAYLOAD_REF_KIND, sha256: '0'.repeat(64), bytes: 1e10 });

export type JsonPath = readonly (string | number)[];

/** A text the plan moves out of the state. */
export interface SpillChoice {
  readonly path: JsonPath;
  readonly text: string;
}

/**
 * The size of a flow state as the states after it carry it: the state, plus its gate's ask again,
 * since a gate task's payload repeats the action beside the checkpointed state.
 */
export function carriedBytes(state: unknown): number {
  const gate = (state as { gate?: unknown } | null)?.gate;
  return payloadBytes(state) + (gate ? payloadBytes(gate) : 0);
}

/**
 * Which texts to store apart so that `state` fits `budget`: none when it fits already; otherwise the
 * largest first (the fewest writes, and the agent's short turns stay readable in the state), each at
 * least SPILL_MIN_BYTES, until the rest fits. When even all of them do not make it fit, it names them
 * all, and the state stays too large: the execution then fails with States.DataLimitExceeded.
 */
export function planSpill(state: unknown, budget = STATE_SPILL_BUDGET_BYTES): SpillChoice[] {
  let bytes = carriedBytes(state);
  if (bytes <= budget) return [];
  const candidates = textsOf(state, [])
    .map((found) => ({ ...found, saves: (payloadBytes(found.text) - REF_BYTES) * (found.path[0] === 'gate' ? 2 : 1) }))
    .filter((found) => payloadBytes(found.text) >= SPILL_MIN_BYTES)
    .sort((a, b) => b.saves - a.saves);
  const chosen: SpillChoice[] = [];
  for (const candidate of candidates) {
    if (bytes <= budget) break;
    chosen.push({ path: candidate.path, text: candidate.text });
    bytes -= candidate.saves;
  }
  return chosen;
}

/** Every string in `value` with its path. */
function textsOf(value: unknown, path: JsonPath): SpillChoice[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, i) => textsOf(item, [...path, i]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([key, item]) => textsOf(item, [...path, key]));
  return [];
}

/** A copy of `value` with `replacement` at `path`. */
export function replaceAt(value: unknown, path: JsonPath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? replaceAt(item, rest, replacement) : item));
  const object = value as Record<string, unknown>;
  return { ...object, [head]: replaceAt(object[head as string], rest, replacement) };
}

/** Every reference in `value`. */
export function refsIn(value: unknown): PayloadRef[] {
  if (isPayloadRef(value)) return [value];
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(refsIn);
  return [];
}

/** A copy of `value` with every reference replaced by what `by` gives for it. */
export function replaceRefs(value: unknown, by: (ref: PayloadRef) => unknown): unknown {
  if (isPayloadRef(value)) return by(value);
  if (Array.isArray(value)) return value.map((item) => replaceRefs(item, by));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceRefs(item, by)]));
  return value;
}
