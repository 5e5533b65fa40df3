import { AwsError } from './errors.ts';

/** Where the local engine pretends to live; only used to build and check ARNs. */
export interface AwsScope {
  readonly region: string;
  readonly accountId: string;
}

// Step Functions' rule for state machine and execution names: no whitespace, brackets, wildcards,
// the listed punctuation or control characters; 1 to 80 characters.
const RESOURCE_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

/** Throws InvalidName unless `name` is a valid state machine or execution name. */
export function assertResourceName(name: string): void {
  if (typeof name !== 'string' || !RESOURCE_NAME.test(name)) {
    throw new AwsError('InvalidName', `Invalid Name: '${String(name)}'`);
  }
}

export function stateMachineArn(scope: AwsScope, name: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:stateMachine:${name}`;
}

export function executionArn(scope: AwsScope, stateMachineName: string, name: string): string {
  return `arn:aws:states:${scope.region}:${scope.accountId}:execution:${stateMachineName}:${name}`;
}

/** The state machine name inside an ARN of this scope; throws InvalidArn for anything else. */
export function stateMachineNameOf(scope: AwsScope, arn: string): string {
  const prefix = stateMachineArn(scope, '');
  const name = typeof arn === 'string' && arn.startsWith(prefix) ? arn.slice(prefix.length) : '';
  if (!RESOURCE_NAME.test(name)) throw new AwsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
  return name;
}

/** Throws InvalidArn unless `arn` has the shape of an execution ARN of this scope. */
export function assertExecutionArn(scope: AwsScope, arn: string): void {
  const prefix = `arn:aws:states:${scope.region}:${scope.accountId}:execution:`;
  const rest = typeof arn === 'string' && arn.startsWith(prefix) ? arn.slice(prefix.length).split(':') : [];
  if (rest.length !== 2 || !rest.every((part) => RESOURCE_NAME.test(part))) {
    throw new AwsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
  }
}

const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9_$-]+)?$/;
const PARTIAL_FUNCTION_ARN = /^\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9_$-]+)?$/;

/** True for a full Lambda function ARN, the form a Task `Resource` must take to invoke a function directly. */
export function isLambdaFunctionArn(resource: string): boolean {
  return LAMBDA_FUNCTION_ARN.test(resource);
}

/**
 * The bare function name of a Lambda reference in any form Lambda accepts (name, partial ARN, ARN,
 * with or without a qualifier).
 */
export function lambdaFunctionName(reference: string): string {
  const match = LAMBDA_FUNCTION_ARN.exec(reference) ?? PARTIAL_FUNCTION_ARN.exec(reference);
  if (match) return match[1];
  return reference.split(':')[0];
}
