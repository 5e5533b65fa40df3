import { describe, expect, it } from 'vitest';
import type { AgentAction } from '#core/action';
import { evaluateGate, matchesAny } from '#core/policy';
import { hitl } from '../support/fixtures.ts';

const tool = (name: string): AgentAction => ({ kind: 'tool_call', toolCall: { id: 'c1', name, args: {} } });
const message: AgentAction = { kind: 'message', text: 'hello' };

describe('gate policy', () => {
  it('lets everything pass when oversight is disabled', () => {
    expect(evaluateGate(hitl({ mode: 'disabled' }), tool('send_email')).outcome).toBe('pass');
    expect(evaluateGate(hitl({ mode: 'disabled' }), message).outcome).toBe('pass');
  });

  it('logs every action in audit mode and blocks none', () => {
    expect(evaluateGate(hitl({ mode: 'audit', blockedTools: ['*'] }), tool('send_email')).outcome).toBe('log');
    expect(evaluateGate(hitl({ mode: 'audit' }), message).outcome).toBe('log');
  });

  it('pauses on every action in blocking mode, messages included', () => {
    expect(evaluateGate(hitl({ mode: 'blocking' }), message).outcome).toBe('pause');
    expect(evaluateGate(hitl({ mode: 'blocking', approvedTools: ['search'] }), tool('search')).outcome).toBe('pause');
  });

  describe('confirm_tools', () => {
    const config = hitl({ mode: 'confirm_tools', approvedTools: ['search', 'crm.read*'], blockedTools: ['delete_*', 'crm.readSecrets'] });

    it('lets messages flow', () => {
      expect(evaluateGate(config, message).outcome).toBe('pass');
    });

    it('runs approved tools at once, globs included', () => {
      expect(evaluateGate(config, tool('search')).outcome).toBe('pass');
      expect(evaluateGate(config, tool('crm.readContacts')).outcome).toBe('pass');
    });

    it('denies blocked tools with a reason the agent can read', () => {
      const verdict = evaluateGate(config, tool('delete_account'));
      expect(verdict.outcome).toBe('deny');
      expect(verdict.outcome === 'deny' && verdict.reason).toContain('delete_account');
    });

    it('blocks a tool that matches both lists', () => {
      expect(evaluateGate(config, tool('crm.readSecrets')).outcome).toBe('deny');
    });

    it('pauses any other tool for a person', () => {
      expect(evaluateGate(config, tool('send_email')).outcome).toBe('pause');
    });

    it('honours execution grants: allowed tools pass, refused tools are denied', () => {
      expect(evaluateGate(config, tool('send_email'), { allowedTools: ['send_email'], deniedTools: [] }).outcome).toBe('pass');
      expect(evaluateGate(config, tool('send_email'), { allowedTools: [], deniedTools: ['send_email'] }).outcome).toBe('deny');
    });

    it('never lets an execution grant override the blocked list', () => {
      expect(evaluateGate(config, tool('delete_account'), { allowedTools: ['delete_account'], deniedTools: [] }).outcome).toBe('deny');
    });
  });

  it('matches globs exactly, not as substrings', () => {
    expect(matchesAny('search', ['search'])).toBe(true);
    expect(matchesAny('search_web', ['search'])).toBe(false);
    expect(matchesAny('search_web', ['search*'])).toBe(true);
  });
});
