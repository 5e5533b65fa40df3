import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ValidationError } from '#core/errors';
import { GateInputSchema } from '#core/gate-input';
import { HitlConfigSchema } from '#core/hitl-config';
import { policyChecker } from '#core/policy-checker';
import { parseWithPolicyChecks, withPolicyChecks } from '#core/policy-checks';
import { ApprovalRequestSchema } from '#core/request';
import { parseOrThrow } from '#core/validation';
import { saveGate } from '#usecases/gate-revisions';
import { loadGateFiles } from '../../lambdas/gates/gate-files.ts';
import { createGateHandler } from '../../lambdas/handlers/gate.ts';
import type { AppDeps } from '../../lambdas/handlers/deps.ts';
import { loadFlowFiles } from '../../statemachines/flows.ts';
import { agentGateRequest, gateInput, hitl } from '../support/fixtures.ts';

const approvers = { users: [], groups: ['approvers'] };
const badRule = { id: 'bad-rule', when: 'args.amount >', effect: 'deny' } as const;
const withBadRule = { mode: 'confirm_tools', approvers, policies: [badRule] } as const;
const withBadGlob = { mode: 'confirm_tools', approvers, approvedTools: ['crm.[z-a]*'] } as const;

/** The paths of a ValidationError's issues, or of nothing when `run` does not throw one. */
async function fieldsRefused(run: () => unknown): Promise<string[]> {
  try {
    await run();
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.issues.map((issue) => issue.path);
  }
}

// Nothing of the dependencies may be touched: a payload that fails its checks stores nothing.
const untouchable = new Proxy({}, { get: (_, key) => { throw new Error(`touched ${String(key)}`); } }) as AppDeps;

describe('policy settings from outside are checked in full', () => {
  it('refuses a gate payload whose CEL rule does not parse, naming the rule and its line and column', async () => {
    // Prepare
    const gate = createGateHandler(untouchable);
    const payload = { ...gateInput(), hitl: withBadRule };

    // Act
    const refusal = await gate(payload as never, {} as never).catch((error: unknown) => error as ValidationError);

    // Assess
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).issues).toEqual([{ path: 'hitl.policies.0.when', message: expect.stringMatching(/^policy "bad-rule", line 1, column \d+: /) }]);
  });

  it('refuses a gate payload whose tool glob cannot compile, naming the field', async () => {
    const gate = createGateHandler(untouchable);
    expect(await fieldsRefused(() => gate({ ...gateInput(), hitl: withBadGlob } as never, {} as never))).toEqual(['hitl.approvedTools.0']);
  });

  it('refuses a gate an admin saves with a bad CEL rule before anything is stored', async () => {
    // Prepare
    const deps = { gateStore: untouchable, audit: untouchable, clock: untouchable } as never;
    const body = { id: 'refunds', name: 'Refunds', hitl: withBadRule };

    // Act & Assess
    expect(await fieldsRefused(() => saveGate(deps, { gateId: 'refunds', body, identity: { userId: 'root', groups: ['admins'] }, adminGroups: ['admins'] }))).toEqual(['hitl.policies.0.when']);
  });

  it('refuses gate and flow files with a bad CEL rule, naming the file and the field', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'policy-files-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'refunds.json'), JSON.stringify({ id: 'refunds', name: 'Refunds', hitl: withBadRule }));
    const flowDir = mkdtempSync(join(tmpdir(), 'policy-flows-'));
    onTestFinished(() => rmSync(flowDir, { recursive: true, force: true }));
    writeFileSync(join(flowDir, 'refunds.json'), JSON.stringify({ id: 'refunds', name: 'Refunds', nodes: [{ id: 'agent', type: 'agent', hitl: withBadRule }] }));

    // Act & Assess
    await expect(loadGateFiles(dir)).rejects.toThrow(/gates\/refunds\.json: .*hitl\.policies\.0\.when: policy "bad-rule", line 1/);
    expect(() => loadFlowFiles([], flowDir)).toThrow(/refunds\.json: .*nodes\.0\.hitl\.policies\.0\.when: policy "bad-rule", line 1/);
  });

  it('reports a bad rule with the other problems of the same input at once', async () => {
    const fields = await fieldsRefused(() => parseWithPolicyChecks(() => parseOrThrow(GateInputSchema, { ...gateInput(), step: '', hitl: withBadRule }, 'gate payload')));
    expect(fields.sort()).toEqual(['hitl.policies.0.when', 'step']);
  });
});

describe('settings read back from our own table', () => {
  it('parse without checking rules again: they were checked when written', () => {
    // Prepare: a stored request whose rule would fail today's checks (written under older limits, say).
    const stored = { ...agentGateRequest(), hitl: { ...hitl(), policies: [badRule], approvedTools: ['crm.[z-a]*'] } };

    // Act
    const parsed = ApprovalRequestSchema.safeParse(stored);

    // Assess
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data?.hitl.policies[0]?.when).toBe('args.amount >');
  });

  it('are checked only inside the parse that asked for it, even when that parse throws', () => {
    // Act
    const checked = () => withPolicyChecks(policyChecker, () => HitlConfigSchema.parse(withBadRule));

    // Assess
    expect(checked).toThrow(/line 1/);
    expect(HitlConfigSchema.safeParse(withBadRule).success).toBe(true);
  });
});
