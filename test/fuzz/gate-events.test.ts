import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '#core/errors';
import { GateInputSchema } from '#core/gate-input';
import type { AppDeps } from '../../lambdas/handlers/deps.ts';
import { createGateHandler } from '../../lambdas/handlers/gate.ts';
import { createSweeperHandler } from '../../lambdas/handlers/sweeper.ts';
import { depsOn } from '../support/app-deps.ts';
import { gateInput } from '../support/fixtures.ts';
import { deepJson, hostileNumber, nastyString } from '../support/fuzz.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

/**
 * The gate Lambda's event is whatever the state machine's Parameters produce; the sweeper's is
 * EventBridge's. A bad gate payload must fail with ValidationError (the state machine sees that name)
 * and store nothing at all; no sweeper event may make it fail.
 */
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const opts = (numRuns: number) => ({ numRuns, ...(seed !== undefined ? { seed } : {}) });

let table: LocalTable;
let deps: AppDeps;
const touched: string[] = [];
let generated = 0;

beforeAll(async () => {
  table = await startLocalTable();
  const base = depsOn(table).deps;
  // Every call that could store or send anything is recorded: a rejected payload must make none.
  const spy = <T extends object>(name: string, target: T): T =>
    new Proxy(target, {
      get(obj, key, receiver) {
        const value = Reflect.get(obj, key, receiver);
        return typeof value === 'function' ? (...args: unknown[]) => (touched.push(`${name}.${String(key)}`), value.apply(obj, args)) : value;
      },
    });
  deps = { ...base, store: spy('store', base.store), audit: spy('audit', base.audit), notifier: spy('notifier', base.notifier), workflows: spy('workflows', base.workflows) };
});
afterAll(async () => {
  await table?.close();
  console.info(`gate and sweeper fuzz: ${generated} generated events`);
});

type Mutation = (input: Record<string, any>) => void;
const REQUIRED = ['taskToken', 'executionId', 'workflowId', 'nodeId', 'step', 'hitl', 'action'] as const;

/** One change that makes a valid gate payload invalid (or unstorable). */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...REQUIRED).map((key): Mutation => (input) => void delete input[key]),
  fc.tuple(fc.constantFrom(...REQUIRED, 'channel', 'context', 'requestedBy', 'checkpoint'), fc.oneof(fc.integer(), fc.constant(null), fc.constant([]), fc.constant(true), fc.constant(''))).map(
    ([key, value]): Mutation => (input) => void (input[key] = value),
  ),
  fc.tuple(fc.constantFrom('taskToken', 'executionId', 'workflowId', 'nodeId', 'step', 'requestedBy'), fc.integer({ min: 8193, max: 20_000 })).map(
    ([key, n]): Mutation => (input) => void (input[key] = 'x'.repeat(n)),
  ),
  fc.constantFrom<Mutation>(
    (input) => void (input.channel = 'carrier-pigeon'),
    (input) => void (input.hitl = { ...input.hitl, mode: 'sometimes' }),
    (input) => void (input.hitl = { mode: 'blocking', approvers: { users: [], groups: [] } }),
    (input) => void (input.hitl = { ...input.hitl, onTimeout: 'escalate', escalation: [] }),
    (input) => void (input.hitl = { ...input.hitl, timeoutSeconds: 0 }),
    (input) => void (input.hitl = { ...input.hitl, timeoutSeconds: 1.5 }),
    (input) => void (input.hitl = { ...input.hitl, timeoutSeconds: 1e12 }),
    (input) => void (input.hitl = { ...input.hitl, approvers: { groups: ['has space'] } }),
    (input) => void (input.hitl = { ...input.hitl, admin: true }),
    (input) => void (input.action = { kind: 'shell', command: 'rm -rf /' }),
    (input) => void (input.action = { kind: 'tool_call', toolCall: { id: '', name: 'x', args: {} } }),
    (input) => void (input.action = { kind: 'tool_call', toolCall: { id: 'c', name: 'x', args: [] } }),
    (input) => void (input.action = { kind: 'message', text: 'x'.repeat(100_001) }),
    (input) => void (input.context = { conversation: Array.from({ length: 501 }, () => ({ role: 'user', content: 'hi' })), facts: {} }),
    (input) => void (input.context = { conversation: [{ role: 'god', content: 'hi' }], facts: {} }),
    (input) => void (input.checkpoint = { schemaVersion: 0, stateName: 'x', state: {} }),
    (input) => void (input.checkpoint = { schemaVersion: 1, stateName: 'x'.repeat(81), state: {} }),
  ),
  // Values JSON carries but DynamoDB cannot store, where callers put free-form JSON
  hostileNumber.map((n): Mutation => (input) => void (input.action = { kind: 'tool_call', toolCall: { id: 'c', name: 'crm.update', args: { amount: n } } })),
  hostileNumber.map((n): Mutation => (input) => void (input.context = { conversation: [], facts: { score: n } })),
  hostileNumber.map((n): Mutation => (input) => void (input.checkpoint = { schemaVersion: 1, stateName: 'agent.Gate', state: { nested: { n } } })),
  fc.integer({ min: 21, max: 120 }).map((depth): Mutation => (input) => void (input.action = { kind: 'tool_call', toolCall: { id: 'c', name: 'crm.update', args: { deep: JSON.parse(deepJson(depth)) } } })),
  fc.integer({ min: 29, max: 120 }).map((depth): Mutation => (input) => void (input.checkpoint = { schemaVersion: 1, stateName: 'agent.Gate', state: JSON.parse(deepJson(depth)) })),
);

const badPayload = fc.oneof(
  { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((changes) => {
      const input = structuredClone(gateInput()) as Record<string, any>;
      for (const change of changes) change(input);
      return input as unknown;
    }) },
  { weight: 1, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: fc.oneof(nastyString, fc.constant(undefined), fc.constant(null)) },
).filter((payload) => !GateInputSchema.safeParse(payload).success);

describe('gate events', () => {
  it('rejects every bad payload with ValidationError and stores, audits, notifies and sends nothing', async () => {
    const gate = createGateHandler(deps);
    await fc.assert(
      fc.asyncProperty(badPayload, async (payload) => {
        generated++;
        const outcome = await gate(payload as never, {} as never).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(outcome).toBeInstanceOf(ValidationError);
        expect((outcome as Error).name).toBe('ValidationError');
      }),
      opts(1_500),
    );
    expect(touched).toEqual([]);
    const items = await table.db.send(new ScanCommand({ TableName: table.tableName, Select: 'COUNT' }));
    expect(items.Count).toBe(0);
  });
});

describe('sweeper events', () => {
  it('runs on any EventBridge event, whatever it carries', async () => {
    const sweeper = createSweeperHandler(deps);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.constant(undefined)), async (event) => {
        generated++;
        const report = await sweeper(event as never, {} as never);
        expect(report).toMatchObject({ timedOut: 0, failed: 0 });
      }),
      opts(200),
    );
  });
});
