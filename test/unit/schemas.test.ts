import { describe, expect, it } from 'vitest';
import { ListApprovalsQuerySchema } from '#core/api-queries';
import { ValidationError } from '#core/errors';
import { HitlConfigSchema, timeoutAtLevel, totalWaitSeconds } from '#core/hitl-config';
import { RespondBodySchema } from '#core/respond-input';
import { parseOrThrow } from '#core/validation';

describe('schemas', () => {
  it('fills HITL defaults: empty tool lists, reject on timeout, 30 min async, 3 min voice', () => {
    const config = HitlConfigSchema.parse({ mode: 'blocking', approvers: { groups: ['approvers'] } });
    expect(config).toMatchObject({ approvedTools: [], blockedTools: [], onTimeout: 'reject', escalation: [] });
    expect(timeoutAtLevel(config, 0, 'async')).toBe(1800);
    expect(timeoutAtLevel(config, 0, 'voice')).toBe(180);
  });

  it('rejects an unknown mode and names the field', () => {
    expect(() => parseOrThrow(HitlConfigSchema, { mode: 'sometimes' }, 'hitl')).toThrow(/mode/);
  });

  it('requires approvers for modes that wait for a person', () => {
    const result = HitlConfigSchema.safeParse({ mode: 'confirm_tools' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['approvers']);
  });

  it('requires escalation levels when onTimeout is escalate', () => {
    const result = HitlConfigSchema.safeParse({ mode: 'blocking', approvers: { users: ['a'] }, onTimeout: 'escalate' });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain('escalation');
  });

  it('adds escalation waits, each with its longest extension, to the total wait', () => {
    const config = HitlConfigSchema.parse({
      mode: 'blocking', approvers: { users: ['a'] }, timeoutSeconds: 60, onTimeout: 'escalate',
      escalation: [{ approvers: { users: ['b'] }, timeoutSeconds: 120 }],
    });
    expect(totalWaitSeconds(config)).toBe(2 * 180);
    expect(totalWaitSeconds({ ...config, maxExtensionSeconds: 30 })).toBe(180 + 2 * 30);
  });

  it('parses a respond body and refuses unknown fields by name', () => {
    expect(RespondBodySchema.parse({ decision: 'approve' })).toEqual({ decision: 'approve', scope: 'once' });
    try {
      parseOrThrow(RespondBodySchema, { decision: 'approve', sneaky: true }, 'body');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain('sneaky');
    }
  });

  it('refuses edited arguments on a rejection', () => {
    expect(RespondBodySchema.safeParse({ decision: 'reject', editedArgs: { to: 'x' } }).success).toBe(false);
  });

  it('refuses a negative or non-numeric limit', () => {
    expect(ListApprovalsQuerySchema.safeParse({ limit: '-5' }).success).toBe(false);
    expect(ListApprovalsQuerySchema.safeParse({ limit: 'ten' }).success).toBe(false);
    expect(ListApprovalsQuerySchema.parse({ limit: '50' }).limit).toBe(50);
  });
});
