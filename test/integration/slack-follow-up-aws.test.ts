import type { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalApp, type LocalApp } from '#local/app';
import { withDeliveryDeferred } from '#usecases/deliver-decision';
import { respond } from '#usecases/respond';
import { lambdaSlackFollowUps } from '../../lambdas/channels/dispatch/lambda-slack-follow-ups.ts';
import type { SlackFollowUp } from '../../lambdas/channels/slack/slack-follow-up.ts';
import { createSweeperHandler } from '../../lambdas/handlers/sweeper.ts';
import { pausedGate } from '../support/channels.ts';
import { ManualClock } from '../support/fixtures.ts';

const clock = new ManualClock(new Date());
let app: LocalApp;
beforeAll(async () => {
  app = await startLocalApp({ sweepIntervalMs: 0, clock, modules: [] });
});
afterAll(async () => app.close());

describe('Slack follow-ups on AWS', () => {
  it('hands the follow-up to the sweeper function with an asynchronous invoke carrying only data', async () => {
    // Prepare
    const sent: InvokeCommand[] = [];
    const followUps = lambdaSlackFollowUps('hitl-sweeper', { send: async (command: InvokeCommand) => void sent.push(command) } as never);
    const followUp: SlackFollowUp = { kind: 'slack_follow_up', responseUrl: 'https://hooks.slack.com/actions/T/1/x', reply: { kind: 'refused', reason: 'no' } };
    // Act
    await followUps(followUp);
    // Assess
    expect(sent[0].input).toMatchObject({ FunctionName: 'hitl-sweeper', InvocationType: 'Event' });
    expect(JSON.parse(Buffer.from(sent[0].input.Payload as Uint8Array).toString())).toEqual(followUp);
  });

  it('has the sweeper deliver a decision stored with its delivery deferred, then update the message', async () => {
    // Prepare: a click's decision, stored but not delivered
    const { request, executionArn } = await pausedGate(app);
    const decided = await respond(withDeliveryDeferred(app.deps), { id: request.id, identity: { userId: 'bob', groups: ['approvers'] }, decision: 'approve', scope: 'once', channel: 'slack' });
    const posted: { url: string; message: any }[] = [];
    const sweeper = createSweeperHandler(app.deps, { post: async (url, message) => void posted.push({ url, message }), responseUrlPrefixes: ['https://hooks.slack.com/'] });
    const responseUrl = 'https://hooks.slack.com/actions/T/2/y';
    // Act
    const report = await sweeper({ kind: 'slack_follow_up', responseUrl, reply: { kind: 'decided', requestId: request.id, deliver: true } }, {} as never);
    // Assess
    expect(decided.delivery).toBe('pending');
    expect(report).toEqual({ delivery: 'delivered', updated: true });
    expect((await app.engine.waitForExecution(executionArn, 10_000)).output).toMatchObject({ approval: { outcome: 'approved', approver: 'bob' } });
    expect((await app.deps.store.get(request.id))?.events.filter((e) => e.type === 'delivery_failed')).toEqual([]);
    expect(posted).toEqual([{ url: responseUrl, message: expect.objectContaining({ replace_original: true }) }]);
  });

  it('never calls a response_url outside Slack, even from an invoke event', async () => {
    const posted: string[] = [];
    const sweeper = createSweeperHandler(app.deps, { post: async (url) => void posted.push(url), responseUrlPrefixes: ['https://hooks.slack.com/'] });
    const report = await sweeper({ kind: 'slack_follow_up', responseUrl: 'https://evil.example/x', reply: { kind: 'refused', reason: 'no' } }, {} as never);
    expect(report).toMatchObject({ updated: false });
    expect(posted).toEqual([]);
  });

  it('leaves the decision to the sweeper when the follow-up never runs, once the click\'s lease runs out', async () => {
    // Prepare: a click's decision, stored, whose follow-up is lost
    const { request, executionArn } = await pausedGate(app);
    await respond(withDeliveryDeferred(app.deps), { id: request.id, identity: { userId: 'bob', groups: ['approvers'] }, decision: 'reject', scope: 'once', channel: 'slack' });
    const early = await app.sweep();
    // Act
    clock.advance(31_000);
    const late = await app.sweep();
    // Assess
    expect(early.delivered).toBe(0);
    expect(late.delivered).toBe(1);
    expect((await app.engine.waitForExecution(executionArn, 10_000)).output).toMatchObject({ approval: { outcome: 'rejected', approver: 'bob' } });
    expect((await app.deps.store.get(request.id))?.delivery).toBe('delivered');
  });

  it('leaves a decision alone when its follow-up comes late and the sweeper holds the lease', async () => {
    // Prepare: the click's lease ran out and a sweep took the decision over
    const { request } = await pausedGate(app);
    await respond(withDeliveryDeferred(app.deps), { id: request.id, identity: { userId: 'bob', groups: ['approvers'] }, decision: 'approve', scope: 'once', channel: 'slack' });
    clock.advance(31_000);
    const now = clock.now();
    expect(await app.deps.store.acquireDeliveryLease(request.id, now, new Date(now.getTime() + 30_000))).toBe(true);
    const sends: string[] = [];
    const sweeper = createSweeperHandler(
      { ...app.deps, workflows: { ...app.deps.workflows, sendTaskSuccess: async () => void sends.push(request.id) } },
      { post: async () => undefined, responseUrlPrefixes: ['https://hooks.slack.com/'] },
    );
    // Act
    const report = await sweeper({ kind: 'slack_follow_up', responseUrl: 'https://hooks.slack.com/actions/T/3/z', reply: { kind: 'decided', requestId: request.id, deliver: true } }, {} as never);
    // Assess
    expect(report).toEqual({ updated: true });
    expect(sends).toEqual([]);
    expect((await app.deps.store.get(request.id))?.delivery).toBe('pending');
  });
});
