import { Stack, type StackProps } from 'aws-cdk-lib';
import { Choice, Condition, DefinitionBody, Fail, Pass, StateMachine, Succeed } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ApprovalGate } from '../constructs/approval-gate.ts';
import type { HitlApprovals } from '../constructs/hitl-approvals.ts';

export interface RefundsStackProps extends StackProps {
  /** The approvals system, usually in a stack of its own. */
  readonly approvals: HitlApprovals;
}

/** The README's example: a refund workflow in its own stack that waits for finance to approve. */
export class RefundsStack extends Stack {
  public readonly stateMachine: StateMachine;
  public readonly gate: ApprovalGate;

  constructor(scope: Construct, id: string, props: RefundsStackProps) {
    super(scope, id, props);
    const stateMachineName = `${this.stackName}-refunds`;

    // Whatever your agent does first; it leaves the action to approve in the state.
    const propose = new Pass(this, 'ProposeRefund', {
      parameters: {
        'refund.$': '$.refund',
        'requestedBy.$': '$.customerId',
        action: { kind: 'tool_call', 'toolCall.$': '$.toolCall' },
        context: { conversation: [], 'facts.$': '$.refund' },
      },
    });
    this.gate = new ApprovalGate(this, 'FinanceApproval', {
      approvals: props.approvals,
      stateMachineName,
      workflowId: 'refunds',
      nodeId: 'issue-refund',
      hitl: { mode: 'confirm_tools', approvers: { groups: ['finance'] }, timeoutSeconds: 3600, onTimeout: 'escalate', escalation: [{ approvers: { groups: ['finance-leads'] }, timeoutSeconds: 7200 }] },
    });
    const decided = new Choice(this, 'Approved?')
      .when(Condition.stringEquals('$.approval.outcome', 'approved'), new Succeed(this, 'IssueRefund'))
      .otherwise(new Fail(this, 'RefundDeclined', { error: 'Refund.Declined', causePath: '$.approval.outcome' }));

    this.stateMachine = new StateMachine(this, 'Refunds', {
      stateMachineName,
      definitionBody: DefinitionBody.fromChainable(propose.next(this.gate).next(decided)),
    });
  }
}
