import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlowInput } from '#core/flow';
import { ExecutionRepository } from '#adapters/dynamodb/execution-repository';
import { LocalStepFunctions } from '#local/stepfunctions-engine';
import { compileFlow, FAILED_STATE, RECORD_FAILURE_STATE, THROTTLING_ERRORS } from '#statemachines/compiler';
import { substitute } from '#statemachines/definitions';
import { parseFlow } from '#statemachines/flows';
import { systemClock } from '#ports';
import { PayloadRepository } from '#adapters/dynamodb/payload-repository';
import { createGateTimeoutHandler } from '../../lambdas/handlers/flows/gate-timeout.ts';
import { DEMO_TOOL_NAMES } from '../../lambdas/tools/demo-tools.ts';
import { startLocalTable, type LocalTable } from '../support/local-table.ts';

// A flow's steps on the local engine with an injected throttle: Retry backs off and tries again, and
// an error that outlasts the retries is written to the execution record before the execution fails.

const FLOW: FlowInput = { id: 'throttled', name: 'throttled', nodes: [{ id: 'agent', type: 'agent', tools: ['search'], hitl: { mode: 'disabled' } as never }] };
const FUNCTIONS = { AgentFunctionArn: 'agent', ToolFunctionArn: 'tool', FlowGateFunctionArn: 'flow-gate', GateTimeoutFunctionArn: 'recorder' };

let table: LocalTable;
let executions: ExecutionRepository;
const engines: LocalStepFunctions[] = [];
beforeAll(async () => {
  table = await startLocalTable();
  executions = new ExecutionRepository(table.db, table.tableName);
});
afterAll(async () => table.close());
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.shutdown()));
});

/** The agent step throws `error` on its first `failures` calls, then answers. */
function throttlingAgent(error: string, failures: number) {
  let calls = 0;
  const agent = async (payload: unknown) => {
    calls += 1;
    if (calls <= failures) throw Object.assign(new Error(`Rate exceeded (call ${calls})`), { name: error });
    const { state } = payload as { state: Record<string, unknown> };
    return { ...state, next: 'end', output: { message: 'done' } };
  };
  return { agent, calls: () => calls };
}

async function runFlow(agent: (payload: unknown) => Promise<unknown>) {
  const recorder = createGateTimeoutHandler({ store: table.store, audit: table.audit, clock: systemClock, executions, payloads: new PayloadRepository(table.db, table.tableName, systemClock) });
  const engine = new LocalStepFunctions({
    functions: { agent, recorder: (payload) => recorder(payload, {} as never), tool: async () => ({}), 'flow-gate': async () => ({}) },
    retryIntervalMs: 1,
  });
  engines.push(engine);
  const flow = parseFlow(FLOW, [...DEMO_TOOL_NAMES]);
  const arn = engine.registerStateMachine(`flow-${flow.id}`, substitute(compileFlow(flow), FUNCTIONS));
  const executionId = `exec-${Math.random().toString(36).slice(2, 10)}`;
  await executions.create({
    executionId, flowId: flow.id, revision: flow.revision, channel: flow.channel, stateMachineArn: arn, runArn: arn,
    input: { message: 'hi' }, startedBy: 'alice', startedAt: new Date().toISOString(), status: 'RUNNING', runs: [],
  } as never);
  const state = { flowId: flow.id, revision: flow.revision, requestedBy: 'alice', input: { message: 'hi' }, conversation: [], pending: [], grants: {}, next: 'agent', gate: null };
  const { executionArn } = await engine.startExecution(arn, state, executionId);
  return { info: await engine.waitForExecution(executionArn, 10_000), executionId };
}

describe('throttling in a flow step on the local engine', () => {
  it('retries a DynamoDB or Bedrock throttle with backoff until the step succeeds', async () => {
    const { agent, calls } = throttlingAgent('ThrottlingException', 3);
    const { info } = await runFlow(agent);
    expect(info.status).toBe('SUCCEEDED');
    expect(calls()).toBe(4);
  });

  it('records why the execution failed when the throttle outlasts the retries, then fails with it', async () => {
    const { agent, calls } = throttlingAgent('ProvisionedThroughputExceededException', 100);
    const { info, executionId } = await runFlow(agent);
    expect(info.status).toBe('FAILED');
    expect(info.error).toBe('ProvisionedThroughputExceededException');
    expect(calls()).toBe(7); // the first call and six retries
    const record = await executions.get(executionId);
    expect(record).toMatchObject({ status: 'FAILED', error: 'ProvisionedThroughputExceededException', cause: expect.stringContaining('Rate exceeded') });
  });

  it('records an error no Retry matches at once', async () => {
    const { agent, calls } = throttlingAgent('Hitl.AgentTurnLimit', 100);
    const { info, executionId } = await runFlow(agent);
    expect(info.status).toBe('FAILED');
    expect(calls()).toBe(1);
    expect(await executions.get(executionId)).toMatchObject({ status: 'FAILED', error: 'Hitl.AgentTurnLimit' });
  });

  it('compiles every step with the throttle Retry and the recording Catch', () => {
    const definition = compileFlow(parseFlow(FLOW, [...DEMO_TOOL_NAMES])) as { States: Record<string, any> };
    const tasks = Object.entries(definition.States).filter(([name, state]) => state.Type === 'Task' && name !== RECORD_FAILURE_STATE);
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      expect(state.Retry.some((r: any) => r.ErrorEquals.includes('ThrottlingException') && r.BackoffRate > 1), name).toBe(true);
      expect(state.Catch.at(-1), name).toEqual({ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: RECORD_FAILURE_STATE });
    }
    expect(THROTTLING_ERRORS).toContain('ProvisionedThroughputExceededException');
    expect(definition.States[FAILED_STATE]).toEqual({ Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' });
  });
});
