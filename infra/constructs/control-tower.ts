import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The AWS Control Tower proactive controls (cfn-guard rules of `@cdklabs/cdk-validator-cfnguard`)
 * that the stack may leave failing, each by its guard rule name. Synth runs the validator (infra/app.ts)
 * and fails on any finding that is not acknowledged with a reason next to the resource that causes it.
 */
export const CONTROL_TOWER_RULES = {
  'CT.APIGATEWAY.PR.1': 'api_gw_v1_execution_logging_enabled_check',
  'CT.CLOUDWATCH.PR.2': 'cloudwatch_log_group_retention_period_check',
  'CT.CLOUDWATCH.PR.3': 'cloudwatch_log_group_encrypted_check',
  'CT.DYNAMODB.PR.2': 'dynamodb_table_encrypted_kms_check',
  'CT.LAMBDA.PR.2': 'lambda_function_public_access_prohibited_check',
  'CT.LAMBDA.PR.3': 'lambda_inside_vpc_check',
} as const;

export type ControlTowerControl = keyof typeof CONTROL_TOWER_RULES;

/** The id an acknowledgement of `control` carries (the validator plugin's namespace and rule name). */
export function controlTowerRuleId(control: ControlTowerControl): string {
  return `cdk-validator-cfnguard::${CONTROL_TOWER_RULES[control]}`;
}

/** Acknowledges a Control Tower control on `scope` and its children, with the reason it may fail there. */
export function acknowledgeControl(scope: IConstruct, control: ControlTowerControl, reason: string): void {
  Validations.of(scope).acknowledge({ id: controlTowerRuleId(control), reason: `[${control}] ${reason}` });
}

/** Control Tower asks for a year of log retention (CT.CLOUDWATCH.PR.2). */
export const MIN_CONTROL_TOWER_RETENTION_DAYS = 365;

/**
 * Acknowledges what a log group leaves failing: retention under a year (only dev stacks keep logs
 * shorter) and no customer-managed key (opt-in `encryptionKey`).
 */
export function acknowledgeLogGroupControls(logGroup: IConstruct, retentionDays: number | undefined, encrypted: boolean): void {
  if (retentionDays !== undefined && retentionDays < MIN_CONTROL_TOWER_RETENTION_DAYS) {
    acknowledgeControl(
      logGroup,
      'CT.CLOUDWATCH.PR.2',
      `This log group keeps ${retentionDays} days, as chosen for the stage (dev stacks are short-lived and delete their logs with the stack; prod keeps a year). Pass logRetention of a year or more to meet the control.`,
    );
  }
  if (!encrypted) {
    acknowledgeControl(
      logGroup,
      'CT.CLOUDWATCH.PR.3',
      'CloudWatch Logs encrypts every log group at rest with a key it manages; a customer-managed KMS key costs a key per stack and its API calls, so it is opt-in: pass encryptionKey (or deploy with -c customerManagedKey=true).',
    );
  }
}
