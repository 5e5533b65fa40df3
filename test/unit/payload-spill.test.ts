import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { payloadBytes } from '#core/flow-errors';
import { carriedBytes, isPayloadRef, PAYLOAD_REF_KIND, planSpill, SPILL_MIN_BYTES, STATE_SPILL_BUDGET_BYTES, type PayloadRef } from '#core/payload-ref';
import type { PayloadStore } from '#ports';
import { resolvePayloads, spillState } from '#usecases/large-state';

/** Texts kept in memory, counting every write. */
function memoryStore() {
  const texts = new Map<string, string>();
  let writes = 0;
  const store: PayloadStore = {
    put: async (executionId, text) => {
      writes += 1;
      const sha256 = createHash('sha256').update(text).digest('hex');
      texts.set(`${executionId}/${sha256}`, text);
      return { $ref: PAYLOAD_REF_KIND, sha256, bytes: Buffer.byteLength(text) };
    },
    get: async (executionId, ref) => texts.get(`${executionId}/${ref.sha256}`)!,
  };
  return { store, texts, writes: () => writes };
}

function state(conversation: string[], gateText?: string) {
  return {
    flowId: 'f',
    conversation: conversation.map((content) => ({ role: 'assistant', content })),
    gate: gateText === undefined ? null : { step: 'message-1', action: { kind: 'message', text: gateText } },
  };
}

const kb = (n: number, fill = 'x') => fill.repeat(n * 1024);

describe('which texts leave the state (planSpill)', () => {
  it('stores nothing while the state fits the 200 KB budget', () => {
    expect(planSpill(state([kb(90), kb(90)]))).toEqual([]);
  });

  it('stores the largest texts first, and only as many as it takes to fit', () => {
    const plan = planSpill(state([kb(60, 'a'), kb(120, 'b'), kb(80, 'c')]));
    expect(plan.map((choice) => choice.path)).toEqual([['conversation', 1, 'content']]);
    const both = planSpill(state([kb(110, 'a'), kb(120, 'b'), kb(100, 'c')]));
    expect(both.map((choice) => choice.text[0])).toEqual(['b', 'a']);
  });

  it("counts a gate's action twice, since the gate's payload repeats it, and stores it first", () => {
    const carried = state([kb(70)], kb(80, 'g'));
    expect(carriedBytes(carried)).toBeGreaterThan(230 * 1024);
    expect(planSpill(carried).map((choice) => choice.path)).toEqual([['gate', 'action', 'text']]);
  });

  it('leaves texts under the minimum in place, even when the state stays too large', () => {
    const many = state(Array.from({ length: 80 }, () => 'y'.repeat(SPILL_MIN_BYTES - 100)));
    expect(carriedBytes(many)).toBeGreaterThan(STATE_SPILL_BUDGET_BYTES);
    expect(planSpill(many)).toEqual([]);
  });
});

describe('storing a state apart and reading it back', () => {
  it('returns a state under the budget with references, and reads it back to the same state', async () => {
    const { store } = memoryStore();
    const original = state([kb(150, 'a'), 'short', kb(150, 'b')]);
    const carried = await spillState(store, 'exec-1', original);
    expect(payloadBytes(carried)).toBeLessThan(STATE_SPILL_BUDGET_BYTES);
    const conversation = (carried as ReturnType<typeof state>).conversation;
    expect(conversation[1]!.content).toBe('short');
    expect(conversation.filter((turn) => isPayloadRef(turn.content))).toHaveLength(1);
    expect((await resolvePayloads(store, 'exec-1', carried)).value).toEqual(original);
  });

  it('puts texts it read back under their references again without writing them again', async () => {
    const { store, writes } = memoryStore();
    const first = await spillState(store, 'exec-1', state([kb(150, 'a'), kb(150, 'b')]));
    const read = await resolvePayloads(store, 'exec-1', first);
    const next = { ...(read.value as object), conversation: [...(read.value as ReturnType<typeof state>).conversation, { role: 'tool', content: kb(10) }] };
    const again = await spillState(store, 'exec-1', next, read.known);
    expect(writes()).toBe(1);
    expect((again as ReturnType<typeof state>).conversation[0]).toEqual((first as ReturnType<typeof state>).conversation[0]);
  });

  it('writes the same text to the same reference, so a retried step adds nothing', async () => {
    const { store, texts } = memoryStore();
    const one = await spillState(store, 'exec-1', state([kb(250)]));
    const two = await spillState(store, 'exec-1', state([kb(250)]));
    expect(two).toEqual(one);
    expect(texts.size).toBe(1);
    const ref = (one as { conversation: { content: PayloadRef }[] }).conversation[0]!.content;
    expect(ref).toMatchObject({ $ref: PAYLOAD_REF_KIND, bytes: 250 * 1024 });
  });
});
