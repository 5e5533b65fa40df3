import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { auditKeys } from '#adapters/dynamodb/audit-repository';
import { executionKeys } from '#adapters/dynamodb/execution-repository';
import { requestKeys } from '#adapters/dynamodb/request-repository';
import { INDEX_PROJECTIONS } from '#adapters/dynamodb/index-projections';
import { DEFAULT_INDEX_SHARDS, MAX_INDEX_SHARDS } from '#adapters/dynamodb/shards';
import { INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '#adapters/dynamodb/table';
import { toolRunKeys } from '#adapters/dynamodb/tool-run-repository';
import { payloadKeys } from '#adapters/dynamodb/payload-repository';
import { acknowledgeControl } from './control-tower.ts';
import { acknowledgeRule } from './nag.ts';
import { assertNoProblems, integerProblems } from './prop-checks.ts';
import { removalPolicyFor, type Stage } from './stage.ts';

export interface ApprovalsTableProps {
  /** In prod the table has deletion protection and survives stack deletion. @default 'prod' */
  readonly stage?: Stage;
  /**
   * Days audit entries are kept. When set, audit entries get an `expiresAt` and functions learn the
   * period from `AUDIT_RETENTION_DAYS`. (TTL on `expiresAt` is always on: link nonces and tool-run
   * records expire by it too.)
   * @default - audit entries are kept until deleted
   */
  readonly auditRetentionDays?: number;
  /**
   * Encrypt the table with this customer-managed KMS key; every function bound to the table may use
   * it. @default - the AWS owned key DynamoDB encrypts every table with
   */
  readonly encryptionKey?: IKey;
  /**
   * Shards of each busy index partition (`PENDING`, `DUE`, `UNDELIVERED`, `OWED`, `DECIDED`,
   * `AUDIT`): each takes about 1,000 writes/s. Every function bound to the table gets the same
   * `INDEX_SHARDS`. Raising it is safe at any time; see `indexReadShards` before lowering it.
   * @default 4
   */
  readonly indexShards?: number;
  /**
   * Shards readers look in, at least `indexShards`. After lowering `indexShards`, keep this at the
   * old count, or the entries written to the higher shards are no longer listed or swept.
   * @default indexShards
   */
  readonly indexReadShards?: number;
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
  /**
   * The HMAC key of the audit chain: a generated 64-character secret. It lives as long as the table
   * (without it, the table's chains can no longer be verified), and only the functions that append
   * to or verify the chain may read it.
   */
  public readonly auditKey: Secret;
  /** The customer-managed key of the table, when one is given. */
  public readonly encryptionKey?: IKey;
  /** Shards of each busy index partition, and the shards readers look in. */
  public readonly indexShards: number;
  public readonly indexReadShards: number;

  constructor(scope: Construct, id: string, props: ApprovalsTableProps = {}) {
    super(scope, id);
    assertNoProblems(this, [
      ...integerProblems('auditRetentionDays', props.auditRetentionDays, 1, 36_500),
      ...integerProblems('indexShards', props.indexShards, 1, MAX_INDEX_SHARDS),
      ...integerProblems('indexReadShards', props.indexReadShards, 1, MAX_INDEX_SHARDS),
      ...(props.indexReadShards !== undefined && props.indexReadShards < (props.indexShards ?? DEFAULT_INDEX_SHARDS.count)
        ? [`indexReadShards (${props.indexReadShards}) must be at least indexShards (${props.indexShards ?? DEFAULT_INDEX_SHARDS.count}), or entries in the higher shards are never read`]
        : []),
    ]);
    this.indexShards = props.indexShards ?? DEFAULT_INDEX_SHARDS.count;
    this.indexReadShards = props.indexReadShards ?? this.indexShards;
    const stage = props.stage ?? 'prod';
    this.auditRetentionDays = props.auditRetentionDays;
    this.encryptionKey = props.encryptionKey;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partition, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sort, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: stage === 'prod',
      removalPolicy: removalPolicyFor(stage),
      ...(props.encryptionKey ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey } : {}),
      // Always on: used link nonces and tool-run records expire by it, audit entries only with a retention.
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
    this.auditKey = new Secret(this, 'AuditKey', {
      description: 'hitl-approvals: HMAC key of the audit chain',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: removalPolicyFor(stage),
    });
    acknowledgeRule(
      this.auditKey,
      'SMG4',
      'Entries keep the MAC made with the key of their day: a rotated key must keep the old one to verify them, so rotation is a deliberate re-keying, not a schedule.',
    );
    if (!props.encryptionKey) {
      acknowledgeControl(
        this.table,
        'CT.DYNAMODB.PR.2',
        'DynamoDB encrypts every table at rest with an AWS owned key; a customer-managed key adds a key per stack and a KMS call per uncached read or write, so it is opt-in: pass encryptionKey (or deploy with -c customerManagedKey=true).',
      );
    }
    // The index names and key attributes come from the store's own key module, so the table and
    // the code that queries it cannot drift apart.
    // So do their projections: each index copies only what its readers need, never a task token.
    for (const [key, index] of Object.entries(INDEXES) as [keyof typeof INDEXES, (typeof INDEXES)[keyof typeof INDEXES]][]) {
      const projection = INDEX_PROJECTIONS[key];
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.pk, type: AttributeType.STRING },
        sortKey: { name: index.sk, type: AttributeType.STRING },
        ...(projection.type === 'INCLUDE'
          ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...projection.attributes] }
          : { projectionType: ProjectionType.KEYS_ONLY }),
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
   * For the functions that append to or verify the audit chain: sets `AUDIT_KEY_SECRET_ARN` and lets
   * `fn` read the audit key. The gates need it on top of `bindRequestWriter`; the notifier does not.
   */
  bindAuditKey(fn: LambdaFunction): void {
    fn.addEnvironment('AUDIT_KEY_SECRET_ARN', this.auditKey.secretArn);
    this.auditKey.grantRead(fn);
  }

  /**
   * For the API and the sweeper: sets `TABLE_NAME` and lets `fn` read the table and its indexes
   * and record decisions (conditional UpdateItem, PutItem for audit entries), with the audit key.
   */
  bindDecisionMaker(fn: LambdaFunction): void {
    this.bindTableName(fn);
    this.bindAuditKey(fn);
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
   * For the API's delegations: lets `fn` delete a delegation item (partition keys starting with
   * `DELEG#`) when its owner or an admin ends it, and no other item.
   */
  grantDelegationEnd(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DELEG#*'] } },
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

  /**
   * For flow steps that only record what they did (the agent function): sets `TABLE_NAME` and lets
   * `fn` read and append to an execution's audit chain (Query, conditional PutItem on `EXEC#` items)
   * with the audit key.
   */
  bindAuditWriter(fn: LambdaFunction): void {
    this.bindTableName(fn);
    this.bindAuditKey(fn);
    this.grantOnItems(fn, ['dynamodb:Query', 'dynamodb:PutItem'], auditKeys.pk(''));
  }

  /**
   * For the tool function: the audit chain (as `bindAuditWriter`), the idempotency records of
   * tool runs (`TOOLRUN#` items: claim, read, complete, release), and reading an existing request
   * (`REQ#` items) to append the `executed` event with the arguments an approved call ran with.
   */
  bindToolRunner(fn: LambdaFunction): void {
    this.bindAuditWriter(fn);
    this.grantOnItems(fn, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], toolRunKeys.pk(''));
    this.grantOnItems(fn, ['dynamodb:GetItem', 'dynamodb:UpdateItem'], requestKeys.pk(''));
  }

  /**
   * For the flow steps that carry a flow's state (agent, tool, gate timeout): lets `fn` store texts
   * too large for the state and read them back (PutItem and Query on `PAYLOAD#` items), and no other
   * item. The flow gate and the API read them with the table access they have already.
   */
  bindPayloadStore(fn: LambdaFunction): void {
    this.bindTableName(fn);
    this.grantOnItems(fn, ['dynamodb:PutItem', 'dynamodb:Query'], payloadKeys.prefix);
  }

  /**
   * For a flow gate's timeout step: the audit chain (as `bindAuditWriter`), and reading and updating
   * an existing request (`REQ#` items) to record its timeout; it creates no request, and counts
   * nothing (the sweeper's rollup counts the timeout from the decided timeline).
   */
  bindRequestExpirer(fn: LambdaFunction): void {
    this.bindAuditWriter(fn);
    this.grantOnItems(fn, ['dynamodb:GetItem', 'dynamodb:UpdateItem'], requestKeys.pk(''));
  }

  /**
   * For the step that records why a flow execution failed: UpdateItem on execution items (`EXEC#`
   * partition keys) only, to mark a running execution failed with its error and cause.
   */
  bindExecutionEndRecorder(fn: LambdaFunction): void {
    this.bindTableName(fn);
    this.grantOnItems(fn, ['dynamodb:UpdateItem'], executionKeys.pk(''));
  }

  /**
   * `actions` on the table's items whose partition key starts with `prefix` only. The prefixes come
   * from the repositories' own key builders, so the grant and the code cannot drift apart.
   */
  /**
   * For the flow functions: sets `TABLE_NAME` and lets `fn` list the tools admins saved
   * (a Query of the `TOOLS` partition of the timeline index, nothing else of it, then the `TOOL#`
   * items themselves).
   */
  bindToolReader(fn: LambdaFunction): void {
    this.bindTableName(fn);
    this.grantOnItems(fn, ['dynamodb:GetItem'], 'TOOL#');
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${INDEXES.timeline.name}`],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TOOLS'] } },
      }),
    );
  }

  private grantOnItems(fn: LambdaFunction, actions: string[], prefix: string): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions,
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] } },
      }),
    );
  }

  /** One ARN per index, named: no `index/*` wildcard. */
  private indexArns(): string[] {
    return Object.values(INDEXES).map((index) => `${this.table.tableArn}/index/${index.name}`);
  }

  private bindTableName(fn: LambdaFunction): void {
    fn.addEnvironment('TABLE_NAME', this.table.tableName);
    this.encryptionKey?.grantEncryptDecrypt(fn);
    if (this.auditRetentionDays !== undefined) fn.addEnvironment('AUDIT_RETENTION_DAYS', String(this.auditRetentionDays));
    // Every function writes index entries to the same shards and reads the same ones.
    fn.addEnvironment('INDEX_SHARDS', String(this.indexShards));
    if (this.indexReadShards !== this.indexShards) fn.addEnvironment('INDEX_READ_SHARDS', String(this.indexReadShards));
  }
}
