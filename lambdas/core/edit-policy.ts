import { isListed } from './authorization.ts';
import { PolicyRefusedError } from './errors.ts';
import type { Identity } from './identity.ts';
import { evaluateGate, NO_GRANTS } from './policy.ts';
import type { ApprovalRequest } from './request.ts';

/**
 * An edit must not get past a policy that the same call would meet if the agent had proposed it:
 * the edited call goes through the node's policy as stored on the request at the gate (tool lists
 * and CEL rules, the very `evaluateGate` the gate runs). A deny refuses the edit. A require_approval
 * rule refuses it unless the editor is among the rule's approvers and the rule asks for no more
 * approvals than this request collects. The rule that paused the request itself is already met by
 * whoever may decide the request (its approvers, escalation levels included, are that rule's).
 * Execution grants are left out: they concern the tool, which an edit does not change.
 */
export function assertEditPermitted(request: ApprovalRequest, editedArgs: Record<string, unknown>, editor: Identity): void {
  if (request.action.kind !== 'tool_call') return;
  const edited = { kind: 'tool_call' as const, toolCall: { ...request.action.toolCall, args: editedArgs } };
  const verdict = evaluateGate(request.hitl, edited, NO_GRANTS, {
    workflowId: request.workflowId,
    nodeId: request.nodeId,
    channel: request.channel,
    requestedBy: request.requestedBy ?? null,
    facts: request.context.facts,
  });
  if (verdict.outcome === 'deny') {
    throw new PolicyRefusedError(`the edited arguments are refused by policy "${verdict.policyId}": ${verdict.reason}`, verdict.policyId);
  }
  if (verdict.outcome !== 'pause' || verdict.policyId === request.policy?.id || !verdict.overrides) return;
  const { approvers, quorum } = verdict.overrides;
  if (approvers && !isListed(editor, approvers)) {
    throw new PolicyRefusedError(
      `the edited arguments need approval by ${describe(approvers)} under policy "${verdict.policyId}", and you are not among them`,
      verdict.policyId,
      approvers,
    );
  }
  if (quorum && quorum.approvals > request.hitl.quorum.approvals) {
    throw new PolicyRefusedError(
      `the edited arguments need ${quorum.approvals} approvals under policy "${verdict.policyId}"; this request is decided by ${request.hitl.quorum.approvals}`,
      verdict.policyId,
    );
  }
}

function describe(approvers: { readonly users: readonly string[]; readonly groups: readonly string[] }): string {
  const groups = approvers.groups.map((group) => `group "${group}"`);
  const users = approvers.users.map((user) => `user "${user}"`);
  return [...groups, ...users].join(' or ') || 'nobody';
}
