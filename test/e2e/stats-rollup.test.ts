import { describe, expect, it } from 'vitest';
import { ROLLUP_SETTLE_MARGIN_MS } from '#core/decision-rollup';
import { AUDITOR, call } from '../support/http.ts';
import { localAppOnManualClock } from '../support/manual-clock-app.ts';
import { startPausedExecutions } from '../support/paused-executions.ts';

const local = localAppOnManualClock();
const { clock } = local;

describe('GET /stats, counted from the decided timeline', () => {
  it('documents whether a reading is complete, and up to when', async () => {
    const doc = (await call(local.app.url, 'GET', '/openapi.json')).body;
    const schema = doc.paths['/stats'].get.responses['200'].content['application/json'].schema;
    const body = schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
    expect(body.properties.complete.type).toBe('boolean');
    expect(body.properties.asOf.type).toBe('string');
    expect(body.required).toContain('complete');
  });

  it('counts each decision once, before the rollup reaches it, after, and after the sweeps that follow', async () => {
    // Prepare: three paused executions of one workflow
    const paused = await startPausedExecutions(local.app, 3);
    const workflowId = paused[0]!.request.workflowId;
    const counts = async () => {
      const stats = await call(local.app.url, 'GET', '/stats', { as: AUDITOR });
      expect(stats.body.complete).toBe(true);
      const row = stats.body.items.find((r: { workflowId: string }) => r.workflowId === workflowId);
      return row && { approved: row.approved, rejected: row.rejected };
    };
    // Act: two approvals and a rejection; a reading at once, then sweeps well past the settle margin
    for (const [i, p] of paused.entries()) {
      const res = await call(local.app.url, 'POST', `/approvals/${p.requestId}/respond`, { body: { decision: i < 2 ? 'approve' : 'reject' } });
      expect(res.status).toBe(200);
    }
    const atOnce = await counts();
    await local.app.sweep();
    const beforeTheMargin = await counts();
    clock.advance(ROLLUP_SETTLE_MARGIN_MS + 120_000);
    const swept = await local.app.sweep();
    const rolledUp = await counts();
    await local.app.sweep();
    clock.advance(120_000);
    await local.app.sweep();
    const later = await counts();
    // Assess
    expect(swept.rolledUp).toBeGreaterThanOrEqual(3);
    for (const reading of [atOnce, beforeTheMargin, rolledUp, later]) expect(reading).toEqual({ approved: 2, rejected: 1 });
  });
});
