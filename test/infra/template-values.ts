/**
 * Turns CloudFormation values of a synthesized template into the strings they become on deploy,
 * with stand-ins of the right shape for what only AWS knows (ids, account, names). Lets tests feed a
 * function's environment to the Lambda code that reads it.
 */
type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';

const PSEUDO: Record<string, string> = {
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'HitlTest',
  'AWS::StackId': `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/HitlTest/0f8a4c10-1111-2222-3333-444455556666`,
};

/** What `Ref` returns, by resource type. */
function refOf(id: string, resource: Resources[string]): string {
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
      return `HitlTest-${id}-ABC123`;
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}-AbCdEf`;
    case 'AWS::Cognito::UserPool':
      return `${REGION}_AbC123xyz`;
    case 'AWS::Cognito::UserPoolClient':
      return 'client123abc';
    case 'AWS::Cognito::UserPoolDomain':
      return 'hitl-dev-0f8a4c10';
    case 'AWS::ApiGateway::RestApi':
      return 'abc123def4';
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${resource.Properties?.StateMachineName ?? id}`;
    case 'AWS::Lambda::Function':
      return `HitlTest-${id}`;
    case 'AWS::SES::EmailIdentity':
      return String(resource.Properties?.EmailIdentity);
    default:
      throw new Error(`no Ref stand-in for ${resource.Type} (${id})`);
  }
}

/** A state machine version's ARN (`<machine>:1`: the first one) and an alias's (`<machine>:<name>`). */
function qualifiedStateMachineArn(resource: Resources[string], resources: Resources): string {
  if (resource.Type === 'AWS::StepFunctions::StateMachineVersion') return `${resolveValue(resource.Properties?.StateMachineArn, resources)}:1`;
  const version = String(resolveValue(resource.Properties?.RoutingConfiguration?.[0]?.StateMachineVersionArn, resources));
  return `${version.slice(0, version.lastIndexOf(':'))}:${resource.Properties?.Name}`;
}

function getAttOf(id: string, attribute: string, resource: Resources[string], resources: Resources): string {
  if (['AWS::StepFunctions::StateMachineVersion', 'AWS::StepFunctions::StateMachineAlias'].includes(resource.Type) && attribute === 'Arn') {
    return qualifiedStateMachineArn(resource, resources);
  }
  if (resource.Type === 'AWS::Lambda::Function' && attribute === 'Arn') return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${refOf(id, resource)}`;
  if (resource.Type === 'AWS::StepFunctions::StateMachine' && attribute === 'Name') return String(resource.Properties?.StateMachineName ?? id);
  if (resource.Type === 'AWS::DynamoDB::Table' && attribute === 'Arn') return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${refOf(id, resource)}`;
  if (resource.Type === 'AWS::Cognito::UserPool' && attribute === 'Arn') return `arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${refOf(id, resource)}`;
  if (attribute === 'Arn') {
    // Any other resource: an ARN of the usual length, e.g. arn:aws:logs:eu-west-1:123456789012:loggroup/<id>.
    const [, service, kind] = resource.Type.split('::');
    return `arn:aws:${service!.toLowerCase()}:${REGION}:${ACCOUNT}:${kind!.toLowerCase()}/${id}`;
  }
  throw new Error(`no Fn::GetAtt stand-in for ${resource.Type}.${attribute} (${id})`);
}

/** The deploy-time value of `value`: literals and plain objects as they are, Ref, Fn::GetAtt, Fn::Join, Fn::Select and Fn::Split resolved. */
export function resolveValue(value: unknown, resources: Resources): any {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, resources));
  if (!value || typeof value !== 'object') throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  const node = value as Record<string, any>;
  if ('Ref' in node) {
    const name = String(node.Ref);
    if (name in PSEUDO) return PSEUDO[name];
    const resource = resources[name];
    if (!resource) throw new Error(`Ref to unknown ${name}`);
    if (['AWS::StepFunctions::StateMachineVersion', 'AWS::StepFunctions::StateMachineAlias'].includes(resource.Type)) return qualifiedStateMachineArn(resource, resources);
    return refOf(name, resource);
  }
  if ('Fn::GetAtt' in node) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    return getAttOf(id, attribute, resources[id]!, resources);
  }
  if ('Fn::Join' in node) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return (resolveValue(items, resources) as string[]).join(delimiter);
  }
  if ('Fn::Select' in node) {
    const [index, list] = node['Fn::Select'] as [number, unknown];
    return (resolveValue(list, resources) as string[])[Number(index)];
  }
  if ('Fn::Split' in node) {
    const [delimiter, source] = node['Fn::Split'] as [string, unknown];
    return String(resolveValue(source, resources)).split(delimiter);
  }
  const intrinsic = Object.keys(node).find((key) => key.startsWith('Fn::'));
  if (intrinsic) throw new Error(`cannot resolve ${intrinsic} in ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, resolveValue(item, resources)]));
}

/** A function's environment variables as the function sees them once deployed. */
export function environmentOf(resources: Resources, functionId: string): Record<string, string> {
  const variables = (resources[functionId]?.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(resolveValue(value, resources))]));
}
