import { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ApprovalsTable } from './approvals-table.ts';
import { entryOf, HitlFunction, type HandlerSource, type HitlFunctionProps } from './hitl-function.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../function-timeouts.ts';

export interface GateFunctionProps extends Pick<HitlFunctionProps, 'logRetention' | 'logRemovalPolicy' | 'logLevel' | 'logEncryptionKey' | 'network'> {
  readonly table: ApprovalsTable;
  /** Where the handler comes from. @default REPO_HANDLERS */
  readonly handlers?: HandlerSource;
}

/**
 * The function a workflow's gate state invokes with `waitForTaskToken`: it stores the approval
 * request with its task token and returns, leaving the execution paused until someone decides.
 * It may write requests, and nothing else.
 */
export class GateFunction extends HitlFunction {
  constructor(scope: Construct, id: string, props: GateFunctionProps) {
    super(scope, id, {
      ...entryOf(props.handlers, 'gate'),
      description: 'hitl-approvals gate: stores an approval request and its task token',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.gate),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      logLevel: props.logLevel,
      logEncryptionKey: props.logEncryptionKey,
      network: props.network,
    });
    props.table.bindRequestWriter(this);
    props.table.bindAuditKey(this);
  }
}
