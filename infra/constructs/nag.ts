import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag AwsSolutions rule on `scope` and its children. Every acknowledgement
 * carries the reason the finding is acceptable, next to the resource that causes it.
 */
export function acknowledgeRule(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
}

/**
 * Acknowledges AwsSolutions-IAM5 for one wildcard resource. cdk-nag names each wildcard finding
 * after the resource as it appears in the template (`<LogicalId.Arn>` for references), so the
 * acknowledgement covers that exact resource and nothing else.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flat = flatten(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
}

/** Mirrors how cdk-nag prints a CloudFormation value: Ref → `<Id>`, GetAtt → `<Id.Attr>`, Join → joined. */
function flatten(node: unknown): string {
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node && typeof node === 'object') {
    const value = node as Record<string, unknown>;
    if (Array.isArray(value['Fn::Join'])) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (Array.isArray(value['Fn::GetAtt'])) {
      const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Ref' in value) return `<${flatten(value.Ref)}>`;
  }
  return JSON.stringify(node);
}

/** Reason for the X-Ray statement Lambda and Step Functions add when tracing is active. */
export const XRAY_WILDCARD_REASON =
  'X-Ray PutTraceSegments/PutTelemetryRecords (and GetSampling*) do not support resource-level permissions; AWS documents Resource "*" for them.';
