import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '#adapters/dynamodb/table';
import { assertNoProblems, integerProblems } from './prop-checks.ts';
import { removalPolicyFor, type Stage } from './stage.ts';

export interface ApprovalsTableProps {
  /** In prod the table has deletion protection and survives stack deletion. @default 'prod' */
  readonly stage?: Stage;
  /**
   * Days audit entries are kept. When set, the table expires items by their `expiresAt` attribute
   * and functions learn the period from `AUDIT_RETENTION_DAYS`.
   * @default - audit entries are kept until deleted
   */
  readonly auditRetentionDays?: number;
}

/**
 * The single DynamoDB table that holds requests, their events, task tokens and the audit chain.
 * It is the system's only stateful store, so it lives in its own construct (and can live in its
 * own stack: pass it to `HitlApprovals` as `table`).
 */
export class ApprovalsTable extends Construct {
  public readonly table: Table;
  /** Days audit entries are kept, if a retention is configured. */
  public readonly auditRetentionDays?: number;

  constructor(scope: Construct, id: string, props: ApprovalsTableProps = {}) {
    super(scope, id);
    assertNoProblems(this, integerProblems('auditRetentionDays', props.auditRetentionDays, 1, 36_500));
    const stage = props.stage ?? 'prod';
    this.auditRetentionDays = props.auditRetentionDays;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partition, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sort, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: stage === 'prod',
      removalPolicy: removalPolicyFor(stage),
      timeToLiveAttribute: props.auditRetentionDays === undefined ? undefined : TTL_ATTRIBUTE,
    });
    // The index names and key attributes come from the store's own key module, so the table and
    // the code that queries it cannot drift apart.
    for (const index of Object.values(INDEXES)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.pk, type: AttributeType.STRING },
        sortKey: { name: index.sk, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /**
   * For the gate and the notifier: sets `TABLE_NAME` and lets `fn` create, read and update items
   * and read an audit chain (Query on the table itself, no index).
   */
  bindRequestWriter(fn: LambdaFunction): void {
    this.bindTableName(fn);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        resources: [this.table.tableArn],
      }),
    );
  }

  /**
   * For the API and the sweeper: sets `TABLE_NAME` and lets `fn` read the table and its indexes
   * and record decisions (conditional UpdateItem, PutItem for audit entries).
   */
  bindDecisionMaker(fn: LambdaFunction): void {
    this.bindTableName(fn);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        resources: [this.table.tableArn, ...this.indexArns()],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
      }),
    );
  }

  /**
   * For the API's email links: lets `fn` delete the one-time nonce items of used links (partition
   * keys starting with `LINK#`), and no other item.
   */
  grantLinkNonceCleanup(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['LINK#*'] } },
      }),
    );
  }

  /** One ARN per index, named: no `index/*` wildcard. */
  private indexArns(): string[] {
    return Object.values(INDEXES).map((index) => `${this.table.tableArn}/index/${index.name}`);
  }

  private bindTableName(fn: LambdaFunction): void {
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    if (this.auditRetentionDays !== undefined) fn.addEnvironment('AUDIT_RETENTION_DAYS', String(this.auditRetentionDays));
  }
}
