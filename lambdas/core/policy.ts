import type { AgentAction } from './action.ts';
import { NO_GRANTS, type ExecutionGrants, type GateVerdict } from './gate-verdict.ts';
import type { HitlConfig } from './hitl-config.ts';
import type { PolicyInput, PolicyRule } from './policy-rule-schema.ts';
import { evaluateRule } from './policy-rules.ts';
import { matchesGlob } from './tool-glob.ts';

export { effectiveConfig, NO_GRANTS, type ApprovalOverrides, type ExecutionGrants, type GateVerdict } from './gate-verdict.ts';

/** True when `toolName` matches any of the glob `patterns` (`search`, `crm.*`, `*`), in linear time (see tool-glob.ts). */
export function matchesAny(toolName: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesGlob(toolName, pattern));
}

function firstMatch(rules: readonly PolicyRule[], effect: PolicyRule['effect'], input: PolicyInput) {
  for (const rule of rules) {
    if (rule.effect !== effect) continue;
    if (rule.tools.length > 0 && !matchesAny(input.tool, rule.tools)) continue;
    const result = evaluateRule(rule, input);
    if (result.overBudget || result.matched) return { rule, error: result.error, overBudget: result.overBudget };
  }
  return undefined;
}

// A rule stopped past its budget decides nothing it says: the call is refused, whatever the rule's effect.
function overBudget(rule: PolicyRule, tool: string, error: string | undefined): GateVerdict {
  return {
    outcome: 'deny',
    why: `policy "${rule.id}" ${error ?? 'exceeded its evaluation budget'}`,
    policyId: rule.id,
    reason: `The call to "${tool}" is refused: policy "${rule.id}" exceeded its evaluation budget. Offer the user an alternative.`,
  };
}

function because(rule: PolicyRule, error: string | undefined): string {
  return `policy "${rule.id}"${rule.description ? ` (${rule.description})` : ''}${error ? `; could not evaluate, so it applies: ${error}` : ''}`;
}

/**
 * The gate policy: what happens to `action` at a node with `config`. In confirm_tools mode a tool
 * call meets, in order: the blocked list, deny rules, tools an approver refused for the execution,
 * require_approval rules, allow rules, the approved list, tools an approver allowed for the
 * execution; anything left waits for a person. A deny is never overridden by an allow. A rule that
 * runs past its evaluation budget denies the call, naming the rule.
 */
export function evaluateGate(
  config: HitlConfig,
  action: AgentAction,
  grants: ExecutionGrants = NO_GRANTS,
  context: PolicyInput['context'] = {},
): GateVerdict {
  switch (config.mode) {
    case 'disabled':
      return { outcome: 'pass', why: 'oversight disabled at this node', policyId: 'mode' };
    case 'audit':
      return { outcome: 'log', why: 'audit mode logs every action and blocks none', policyId: 'mode' };
    case 'blocking':
      return { outcome: 'pause', why: 'blocking mode waits for a person at this node', policyId: 'mode' };
    case 'confirm_tools': {
      if (action.kind === 'message') return { outcome: 'pass', why: 'messages flow freely in confirm_tools mode', policyId: 'mode' };
      const tool = action.toolCall.name;
      const input: PolicyInput = { tool, args: action.toolCall.args, context };
      if (matchesAny(tool, config.blockedTools)) {
        return {
          outcome: 'deny',
          why: 'tool is on the blocked list',
          policyId: 'blockedTools',
          reason: `The tool "${tool}" is not allowed at this step. Do not retry it; offer the user an alternative.`,
        };
      }
      const deny = firstMatch(config.policies, 'deny', input);
      if (deny?.overBudget) return overBudget(deny.rule, tool, deny.error);
      if (deny) {
        return {
          outcome: 'deny',
          why: because(deny.rule, deny.error),
          policyId: deny.rule.id,
          reason: deny.rule.reason ?? `The call to "${tool}" is not allowed by policy "${deny.rule.id}". Offer the user an alternative.`,
        };
      }
      if (matchesAny(tool, grants.deniedTools)) {
        return {
          outcome: 'deny',
          why: 'an approver refused this tool for the rest of the execution',
          policyId: 'grant',
          reason: `An approver refused "${tool}" for the rest of this conversation. Do not retry it; offer the user an alternative.`,
        };
      }
      const needsApproval = firstMatch(config.policies, 'require_approval', input);
      if (needsApproval?.overBudget) return overBudget(needsApproval.rule, tool, needsApproval.error);
      if (needsApproval) {
        const { approvers, quorum, timeoutSeconds } = needsApproval.rule;
        return {
          outcome: 'pause',
          why: because(needsApproval.rule, needsApproval.error),
          policyId: needsApproval.rule.id,
          overrides: { ...(approvers ? { approvers } : {}), ...(quorum ? { quorum } : {}), ...(timeoutSeconds ? { timeoutSeconds } : {}) },
        };
      }
      const allow = firstMatch(config.policies, 'allow', input);
      if (allow?.overBudget) return overBudget(allow.rule, tool, allow.error);
      if (allow) return { outcome: 'pass', why: because(allow.rule, undefined), policyId: allow.rule.id };
      if (matchesAny(tool, config.approvedTools)) return { outcome: 'pass', why: 'tool is on the approved list', policyId: 'approvedTools' };
      if (matchesAny(tool, grants.allowedTools)) {
        return { outcome: 'pass', why: 'an approver allowed this tool for the rest of the execution', policyId: 'grant' };
      }
      return { outcome: 'pause', why: 'tool needs a person to approve it', policyId: 'default' };
    }
  }
}
