import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { verifyAudit } from '#usecases/verify-audit';
import { AwsCallCounter } from '../../bench/lib/aws-call-counter.ts';
import { call, eventually } from '../support/http.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';

let app: LocalApp;
let counter: AwsCallCounter;
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, modules: [] });
  const db = (app.deps.audit as unknown as { db: DynamoDBDocumentClient }).db;
  counter = new AwsCallCounter().attach(db, 'DynamoDB').attachWorkflows(app.deps.workflows);
});
afterAll(async () => {
  counter.detach();
  await app.close();
});

describe('the respond path, counted in AWS calls', () => {
  it('sends the decision as the third call in a row (read, conditional write, SendTaskSuccess) and finishes in four', async () => {
    // Prepare
    const [paused] = await startPausedExecutions(app, 1);
    // The gate's own follow-ups finish after it returns; count nothing of theirs
    await eventually(async () => ((await app.deps.store.owedFollowUps(paused!.requestId)).length === 0 ? true : undefined), 10_000, 'the gate to finish');
    counter.reset();

    // Act
    const res = await call(app.url, 'POST', `/approvals/${paused!.requestId}/respond`, { body: { decision: 'approve' } });
    const counted = counter.count();

    // Assess: the workflow has the decision after three sequential calls ...
    expect(res.status).toBe(200);
    expect(counted.depthOf['StepFunctions.SendTaskSuccess']).toBeLessThanOrEqual(3);
    // ... and the bookkeeping beside it (the audit entry) and the delivered mark add one level
    expect(counted.depth).toBeLessThanOrEqual(4);
    expect(counted.byOperation['StepFunctions.SendTaskSuccess']).toBe(1);
    // Two writes to the request (the decision, the delivered mark), one audit entry, and no count:
    // the sweeper's rollup counts the decision from the decided timeline
    expect(counted.byOperation['DynamoDB.UpdateItem']).toBe(2);
    expect(counted.byOperation['DynamoDB.PutItem']).toBe(1);
    // The audit entry is stored without reading the chain's tail first
    expect(counted.byOperation['DynamoDB.Query'] ?? 0).toBe(0);
    expect(await app.engine.waitForExecution(paused!.executionArn, 5_000)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await verifyAudit(app.deps, paused!.executionArn)).toMatchObject({ ok: true, owed: 0, missing: [] });
    expect(await app.deps.store.owedFollowUps(paused!.requestId)).toEqual([]);
  });
});
