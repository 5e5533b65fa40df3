import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError, NotFoundError } from '#core/errors';
import type { ChainTail } from '#core/audit-chain';
import { sealedEntryOf, type OwedFollowUp } from '#core/follow-up';
import { LISTED_FIELDS, type ListedRequest } from '#core/listed-request';
import { PROPOSED_BALLOT, voterOf } from '#core/quorum';
import type { ApprovalRequest, HistoryEvent, Vote } from '#core/request';
import { withAuditTail } from '#core/request-audit-tail';
import type { ApprovalStore, CreateResult, FollowUpClaim, HistoryQuery, ListPendingQuery, OwedCursor, Page } from '#ports';
import { isConditionFailure, sendConditionally } from './client.ts';
import { positionCursor } from './position-cursor.ts';
import { queryShards, type ShardedQuery } from './sharded-query.ts';
import { ShardLayout, type IndexShards } from './shards.ts';
import { INDEXES } from './table.ts';

/** Key builders for request items. */
export const requestKeys = {
  pk: (id: string) => `REQ#${id}`,
  sk: 'META',
  /** A pointer under the execution's partition, so an execution's requests are one Query away. */
  executionPointer: (executionId: string, id: string) => ({ pk: `EXEC#${executionId}`, sk: `REQ#${id}` }),
  // The busy index partitions are sharded by the request's id (see shards.ts): its shard is the
  // same in every state, so each move between indexes knows where the entry is.
  pending: (request: Pick<ApprovalRequest, 'createdAt' | 'id'>, shards: ShardLayout) => ({ gsi1pk: shards.partitionOf('PENDING', request.id), gsi1sk: `${request.createdAt}#${request.id}` }),
  due: (request: Pick<ApprovalRequest, 'dueAt' | 'id'>, shards: ShardLayout) => ({ gsi2pk: shards.partitionOf('DUE', request.id), gsi2sk: `${request.dueAt}#${request.id}` }),
  undelivered: (decidedAt: string, id: string, shards: ShardLayout) => ({ gsi3pk: shards.partitionOf('UNDELIVERED', id), gsi3sk: `${decidedAt}#${id}` }),
  decided: (decidedAt: string, id: string, shards: ShardLayout) => ({ gsi4pk: shards.partitionOf('DECIDED', id), gsi4sk: `${decidedAt}#${id}` }),
  /** The count a vote adds to: rejections, or approvals of one ballot (one set of arguments). */
  voteCounter: (vote: Vote['vote'], ballot: string) => (vote === 'reject' ? 'rejectCount' : ballot === PROPOSED_BALLOT ? 'approveCount' : `approveCount#${ballot}`),
  /**
   * Requests that owe follow-ups share the undelivered index under their own partition: a pending
   * request is never undelivered, and a decision that owes some is found as undelivered until it is
   * delivered, then moves here.
   */
  owed: (since: string, id: string, shards: ShardLayout) => ({ gsi3pk: shards.partitionOf('OWED', id), gsi3sk: `${since}#${id}` }),
  /** The attribute holding one owed follow-up; `owedCount` counts them. */
  followUp: (followUpId: string) => `owed:${followUpId}`,
};

const FOLLOW_UP_PREFIX = 'owed:';

/** Named conditions, so each write says what it relies on. */
const conditions = {
  doesNotExist: 'attribute_not_exists(pk)',
  exists: 'attribute_exists(pk)',
  isStillPendingAtLevel: '#status = :pending AND #level = :level',
  /** Nobody moved the deadline since it was read (an extension, or a sweeper that read the old one). */
  isStillDueAt: '#dueAt = :previousDueAt',
  isUndeliveredAndLeaseFree: '#delivery = :pendingDelivery AND (attribute_not_exists(#lease) OR #lease < :now)',
  isUndelivered: '#delivery = :pendingDelivery',
  isOwed: 'attribute_exists(#followUp)',
  isFreeToTake: 'attribute_exists(#followUp) AND (attribute_not_exists(#followUp.leaseUntil) OR #followUp.leaseUntil < :now)',
  owesNothing: '(attribute_not_exists(#owedCount) OR #owedCount = :zero)',
  hasNotVoted: '(attribute_not_exists(#voters) OR NOT contains(#voters, :approver))',
  isBelowLimit: '(attribute_not_exists(#counter) OR #counter < :limit)',
};

/** The attributes of a request item that make up the domain request. */
export const REQUEST_FIELDS = [
  'id', 'executionId', 'workflowId', 'nodeId', 'step', 'mode', 'channel', 'action', 'context', 'hitl', 'policy',
  'requestedBy', 'createdBy', 'gateId', 'idempotency', 'callback', 'deliveryAttempts', 'checkpoint', 'status', 'level', 'createdAt', 'dueAt', 'votes', 'decision', 'delivery', 'events',
] as const;

/**
 * The stored item minus keys, indexes and the task token: what may leave the store. Where the
 * request's audit chain ends rides along hidden, for the next write of this read (see withAuditTail).
 */
function toDomain(item: Record<string, unknown>): ApprovalRequest {
  const request: Record<string, unknown> = {};
  for (const field of REQUEST_FIELDS) if (item[field] !== undefined) request[field] = item[field];
  return withAuditTail(request as ApprovalRequest, item.auditTail as ChainTail | undefined);
}

/** Where the request's audit chain ends once `followUps` are recorded: their last sealed entry, if any. */
function tailAfter(followUps: readonly OwedFollowUp[]): { first: number; tail: ChainTail } | undefined {
  const sealed = followUps.map(sealedEntryOf).filter((e) => e !== undefined);
  const last = sealed.at(-1);
  return last ? { first: sealed[0]!.seq, tail: { seq: last.seq, hash: last.hash } } : undefined;
}

function toListed(item: Record<string, unknown>): ListedRequest {
  const request: Record<string, unknown> = {};
  for (const field of LISTED_FIELDS) if (item[field] !== undefined) request[field] = item[field];
  return request as ListedRequest;
}

/** Keys one BatchGetItem may ask for. */
const BATCH_GET_KEYS = 100;
/** BatchGetItem calls for one batch while DynamoDB leaves keys unprocessed (throttled, or over 16 MB). */
const BATCH_GET_ATTEMPTS = 4;

/** Whatever the shard, an owed entry's partition starts with this. */
const OWED_PREFIX = 'OWED';

export interface RequestRepositoryOptions {
  /** How the busy index partitions are sharded. @default DEFAULT_INDEX_SHARDS */
  readonly shards?: IndexShards;
}

/** DynamoDB implementation of ApprovalStore: one item per request, every change one conditional write. */
export class RequestRepository implements ApprovalStore {
  private readonly shards: ShardLayout;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: RequestRepositoryOptions = {},
  ) {
    this.shards = new ShardLayout(options.shards);
  }

  async create(request: ApprovalRequest, taskToken?: string, followUps: readonly OwedFollowUp[] = []): Promise<CreateResult> {
    // The pointer goes beside the request, not after it: a pointer without its request (a failed or
    // cut-short put) is skipped by readers, and the retry that finds the request puts it again.
    const pointer = this.putExecutionPointer(request).then(() => undefined, (error: unknown) => ({ error }));
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: requestKeys.pk(request.id),
            sk: requestKeys.sk,
            entity: 'request',
            ...request,
            ...(taskToken !== undefined ? { taskToken } : {}),
            ...(tailAfter(followUps) ? { auditTail: tailAfter(followUps)!.tail } : {}),
            ...requestKeys.pending(request, this.shards),
            ...requestKeys.due(request, this.shards),
            ...(followUps.length > 0
              ? {
                  ...Object.fromEntries(followUps.map((f) => [requestKeys.followUp(f.id), f])),
                  owedCount: followUps.length,
                  ...requestKeys.owed(request.createdAt, request.id, this.shards),
                }
              : {}),
          },
          ConditionExpression: conditions.doesNotExist,
        }),
      );
      const failed = await pointer;
      if (failed) throw failed.error;
      return { created: true, request };
    } catch (error) {
      await pointer;
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get(request.id);
      if (!existing) throw new ConcurrentUpdateError(`request ${request.id} vanished while being created`, { cause: error });
      // A crash between the request and its pointer is repaired by the retry that lands here.
      await this.putExecutionPointer(existing);
      return { created: false, existing };
    }
  }

  async listByExecution(executionId: string): Promise<ApprovalRequest[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const pointers = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': `EXEC#${executionId}`, ':prefix': 'REQ#' },
          ExclusiveStartKey: startKey,
        }),
      );
      ids.push(...(pointers.Items ?? []).map((item) => String(item.requestId)));
      startKey = pointers.LastEvaluatedKey;
    } while (startKey);
    const requests = await Promise.all(ids.map((id) => this.get(id)));
    return requests.filter((r): r is ApprovalRequest => r !== undefined);
  }

  private async putExecutionPointer(request: ApprovalRequest): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...requestKeys.executionPointer(request.executionId, request.id), entity: 'request-pointer', requestId: request.id, createdAt: request.createdAt },
      }),
    );
  }

  async refreshTaskToken(id: string, taskToken: string, at: Date): Promise<ApprovalRequest> {
    const current = await this.get(id);
    if (!current) throw new NotFoundError(`approval ${id} not found`);
    const event: HistoryEvent = { at: at.toISOString(), type: 'gate_retried', actor: 'system:gate' };
    const redeliver = current.status !== 'pending' && current.decision !== undefined;
    const result = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
        UpdateExpression: redeliver
          ? 'SET taskToken = :token, #events = list_append(#events, :event), #delivery = :pendingDelivery, gsi3pk = :g3pk, gsi3sk = :g3sk REMOVE #lease'
          : 'SET taskToken = :token, #events = list_append(#events, :event)',
        ConditionExpression: conditions.exists,
        ExpressionAttributeNames: { '#events': 'events', ...(redeliver ? { '#delivery': 'delivery', '#lease': 'leaseUntil' } : {}) },
        ExpressionAttributeValues: {
          ':token': taskToken,
          ':event': [event],
          ...(redeliver
            ? { ':pendingDelivery': 'pending', ...prefixed(requestKeys.undelivered(current.decision!.decidedAt, id, this.shards), { gsi3pk: ':g3pk', gsi3sk: ':g3sk' }) }
            : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toDomain(result.Attributes ?? {});
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: requestKeys.pk(id), sk: requestKeys.sk }, ConsistentRead: true }),
    );
    return result.Item ? toDomain(result.Item) : undefined;
  }

  async getTaskToken(id: string): Promise<string | undefined> {
    const result = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
        ProjectionExpression: 'taskToken',
        ConsistentRead: true,
      }),
    );
    return result.Item?.taskToken as string | undefined;
  }

  async transition(previous: ApprovalRequest, next: ApprovalRequest, leaseUntil?: Date, followUps: readonly OwedFollowUp[] = []): Promise<{ taskToken?: string }> {
    const names: Record<string, string> = { '#status': 'status', '#level': 'level', '#events': 'events', '#dueAt': 'dueAt' };
    const values: Record<string, unknown> = {
      ':pending': 'pending',
      ':level': previous.level,
      ':newStatus': next.status,
      ':newLevel': next.level,
      ':dueAt': next.dueAt,
      ':previousDueAt': previous.dueAt,
      ':newEvents': next.events.slice(previous.events.length),
    };
    const set = ['#status = :newStatus', '#level = :newLevel', '#dueAt = :dueAt', '#events = list_append(#events, :newEvents)'];
    const remove: string[] = [];
    if (next.status === 'pending') {
      const due = requestKeys.due(next, this.shards);
      set.push('gsi2sk = :gsi2sk');
      values[':gsi2sk'] = due.gsi2sk;
    } else {
      const decision = next.decision!;
      names['#decision'] = 'decision';
      names['#delivery'] = 'delivery';
      set.push('#decision = :decision', '#delivery = :delivery', 'gsi3pk = :g3pk', 'gsi3sk = :g3sk', 'gsi4pk = :g4pk', 'gsi4sk = :g4sk');
      values[':decision'] = decision;
      values[':delivery'] = 'pending';
      const undelivered = requestKeys.undelivered(decision.decidedAt, next.id, this.shards);
      const decided = requestKeys.decided(decision.decidedAt, next.id, this.shards);
      values[':g3pk'] = undelivered.gsi3pk;
      values[':g3sk'] = undelivered.gsi3sk;
      values[':g4pk'] = decided.gsi4pk;
      values[':g4sk'] = decided.gsi4sk;
      if (leaseUntil) {
        names['#lease'] = 'leaseUntil';
        set.push('#lease = :lease');
        values[':lease'] = leaseUntil.toISOString();
      }
      remove.push('gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk');
    }
    const add = oweFollowUps(followUps, next, lastEventAt(next), { set, names, values }, this.shards);
    const tail = moveAuditTail(followUps, { set, names, values });
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestKeys.pk(next.id), sk: requestKeys.sk },
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}${add.length ? ` ADD ${add.join(', ')}` : ''}`,
          ConditionExpression: `${conditions.isStillPendingAtLevel} AND ${conditions.isStillDueAt}${tail ? ` AND ${tail}` : ''}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          // The write that decides also hands back the token, so delivering needs no second read.
          ReturnValues: 'ALL_NEW',
        }),
      );
      const taskToken = result.Attributes?.taskToken as string | undefined;
      return taskToken ? { taskToken } : {};
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(`approval ${next.id} changed before this write`, { cause: error });
      throw error;
    }
  }

  async recordVote(request: ApprovalRequest, vote: Vote, ballot: string, limit: number, followUps: readonly OwedFollowUp[] = []): Promise<ApprovalRequest> {
    const counter = requestKeys.voteCounter(vote.vote, ballot);
    const event: HistoryEvent = {
      at: vote.at,
      type: 'voted',
      actor: vote.approver,
      detail: {
        vote: vote.vote,
        level: vote.level,
        channel: vote.channel,
        scope: vote.scope,
        ...(vote.reason ? { reason: vote.reason } : {}),
        ...(vote.onBehalfOf ? { onBehalfOf: vote.onBehalfOf } : {}),
        // The arguments are on the vote itself; the event names their ballot, so they are stored once.
        ...(vote.editedArgs ? { ballot } : {}),
      },
    };
    const set = ['#votes = list_append(if_not_exists(#votes, :none), :vote)', '#events = list_append(#events, :event)'];
    const names: Record<string, string> = { '#status': 'status', '#level': 'level', '#votes': 'votes', '#events': 'events', '#voters': 'voters', '#counter': counter };
    const values: Record<string, unknown> = {
      ':pending': 'pending',
      ':level': request.level,
      ':none': [],
      ':vote': [vote],
      ':event': [event],
      // One vote per person's right: a delegate's vote is the vote of the person they stand in for.
      ':voter': new Set([voterOf(vote)]),
      ':approver': voterOf(vote),
      ':one': 1,
      ':limit': limit,
    };
    const add = ['#voters :voter', '#counter :one', ...oweFollowUps(followUps, request, vote.at, { set, names, values }, this.shards)];
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestKeys.pk(request.id), sk: requestKeys.sk },
          UpdateExpression: `SET ${set.join(', ')} ADD ${add.join(', ')}`,
          // One vote per person, and none once the count that decides is reached.
          ConditionExpression: `${conditions.isStillPendingAtLevel} AND ${conditions.hasNotVoted} AND ${conditions.isBelowLimit}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toDomain(result.Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentUpdateError(`approval ${request.id} changed before this vote`, { cause: error });
      throw error;
    }
  }

  async acquireDeliveryLease(id: string, now: Date, leaseUntil: Date): Promise<boolean> {
    return sendConditionally(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
        UpdateExpression: 'SET #lease = :until',
        ConditionExpression: conditions.isUndeliveredAndLeaseFree,
        ExpressionAttributeNames: { '#lease': 'leaseUntil', '#delivery': 'delivery' },
        ExpressionAttributeValues: { ':until': leaseUntil.toISOString(), ':now': now.toISOString(), ':pendingDelivery': 'pending' },
      }),
    );
  }

  async markDelivery(
    id: string,
    outcome: 'delivered' | 'workflow_gone' | 'gave_up',
    at: Date,
    detail?: Record<string, unknown>,
    followUpsDone: readonly string[] = [],
    options: { readonly returnRecorded?: boolean } = {},
  ): Promise<ApprovalRequest | undefined> {
    const returnValues = options.returnRecorded === false ? 'NONE' : 'ALL_NEW';
    const event: HistoryEvent = { at: at.toISOString(), type: outcome === 'gave_up' ? 'delivery_gave_up' : outcome, actor: 'system:delivery', ...(detail ? { detail } : {}) };
    const names = { '#delivery': 'delivery', '#events': 'events', '#lease': 'leaseUntil', '#owedCount': 'owedCount' };
    const values = { ':outcome': outcome, ':event': [event], ':pendingDelivery': 'pending', ':zero': 0 };
    if (followUpsDone.length > 0) {
      // Usually these are all it owes: one write records the delivery, marks them done and takes the
      // decision out of the index. Otherwise mark them on their own, then record the delivery as below.
      const settled = await this.markDeliveredAndDone(id, followUpsDone, { names, values }, returnValues);
      if (settled) return settled === true ? undefined : settled;
      await this.completeFollowUps(id, followUpsDone);
    }
    // A delivered decision leaves the undelivered index, unless it still owes follow-ups: then it
    // stays findable under OWED. DynamoDB cannot branch inside one write, so each case is its own
    // conditional write, tried in turn until one applies or the decision turns out delivered.
    for (let attempt = 0; attempt < 3; attempt++) {
      for (const owes of [false, true]) {
        try {
          const result = await this.db.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
              UpdateExpression: owes
                ? 'SET #delivery = :outcome, #events = list_append(#events, :event), gsi3pk = :owedPk REMOVE #lease'
                : 'SET #delivery = :outcome, #events = list_append(#events, :event) REMOVE gsi3pk, gsi3sk, #lease',
              ConditionExpression: `${conditions.isUndelivered} AND ${owes ? '#owedCount > :zero' : conditions.owesNothing}`,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: owes ? { ...values, ':owedPk': requestKeys.owed('', id, this.shards).gsi3pk } : values,
              ReturnValues: returnValues,
            }),
          );
          return result.Attributes ? toDomain(result.Attributes) : undefined;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
      // Neither applied: recorded by whoever delivered first (recording it again would double the
      // history event), or the follow-ups finished between the two writes; look and try again.
      const current = await this.get(id);
      if (!current || current.delivery !== 'pending') return undefined;
    }
    throw new ConcurrentUpdateError(`approval ${id} kept changing while its delivery was recorded`);
  }

  /**
   * The delivery recorded and `followUpIds` marked done in one write, if they are exactly what the
   * request owes: the request as recorded (true when the write returns nothing); undefined otherwise.
   */
  private async markDeliveredAndDone(
    id: string,
    followUpIds: readonly string[],
    update: { names: Record<string, string>; values: Record<string, unknown> },
    returnValues: 'ALL_NEW' | 'NONE',
  ): Promise<ApprovalRequest | true | undefined> {
    const owed = Object.fromEntries(followUpIds.map((f, i) => [`#done${i}`, requestKeys.followUp(f)]));
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
          UpdateExpression: `SET #delivery = :outcome, #events = list_append(#events, :event), #owedCount = :zero REMOVE gsi3pk, gsi3sk, #lease, ${Object.keys(owed).join(', ')}`,
          ConditionExpression: `${conditions.isUndelivered} AND #owedCount = :owedN AND ${Object.keys(owed).map((name) => `attribute_exists(${name})`).join(' AND ')}`,
          ExpressionAttributeNames: { ...update.names, ...owed },
          ExpressionAttributeValues: { ...update.values, ':owedN': followUpIds.length },
          ReturnValues: returnValues,
        }),
      );
      return result.Attributes ? toDomain(result.Attributes) : true;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async owedFollowUps(id: string): Promise<OwedFollowUp[]> {
    const result = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: requestKeys.pk(id), sk: requestKeys.sk }, ConsistentRead: true }));
    return followUpsOf(result.Item ?? {});
  }

  async claimFollowUps(id: string, followUpIds: readonly string[], now: Date, leaseUntil: Date, takeOver = false): Promise<FollowUpClaim[]> {
    if (followUpIds.length === 0) return [];
    // Usually all can be taken: one write takes them all.
    const all = await this.claim(id, followUpIds, now, leaseUntil, takeOver);
    if (all || followUpIds.length === 1) return all ?? [];
    const one = await Promise.all(followUpIds.map((followUpId) => this.claim(id, [followUpId], now, leaseUntil, takeOver)));
    return one.flatMap((claims) => claims ?? []);
  }

  /** Takes every one of `followUpIds`, or none (undefined). */
  private async claim(id: string, followUpIds: readonly string[], now: Date, leaseUntil: Date, takeOver: boolean): Promise<FollowUpClaim[] | undefined> {
    const free = takeOver ? conditions.isOwed : conditions.isFreeToTake;
    const names = Object.fromEntries(followUpIds.map((f, i) => [`#f${i}`, requestKeys.followUp(f)]));
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
          UpdateExpression: `SET ${followUpIds.map((_, i) => `#f${i}.leaseUntil = :until`).join(', ')}`,
          ConditionExpression: followUpIds.map((_, i) => `(${free.replaceAll('#followUp', `#f${i}`)})`).join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':until': leaseUntil.toISOString(), ...(takeOver ? {} : { ':now': now.toISOString() }) },
          // The old values say whether someone held it before.
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return followUpIds.map((f) => {
        const before = result.Attributes?.[requestKeys.followUp(f)] as { leaseUntil?: string } | undefined;
        return { id: f, takenOver: before?.leaseUntil !== undefined };
      });
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async releaseFollowUp(id: string, followUpId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
          // An expired lease, not none: whoever takes it next knows an attempt was made.
          UpdateExpression: 'SET #followUp.leaseUntil = :expired',
          ConditionExpression: conditions.isOwed,
          ExpressionAttributeNames: { '#followUp': requestKeys.followUp(followUpId) },
          ExpressionAttributeValues: { ':expired': new Date(0).toISOString() },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async completeFollowUps(id: string, followUpIds: readonly string[], events: readonly HistoryEvent[] = []): Promise<void> {
    if (followUpIds.length === 0) return;
    // Usually these are all it owes, and it is listed as owing: one write marks them, records what
    // they did and unlists it.
    if (await this.completeLast(id, followUpIds, events)) return;
    // A crash before these notes leaves them unwritten, and the follow-ups done again later, noted then.
    for (const event of events) await this.appendEvent(id, event).catch(() => undefined);
    let left = await this.complete(id, followUpIds);
    if (left === undefined && followUpIds.length > 1) {
      // Some were done by another doer meanwhile: mark the rest one by one.
      const each = await Promise.all(followUpIds.map((f) => this.complete(id, [f])));
      left = each.filter((n): n is number => n !== undefined).reduce((min, n) => Math.min(min, n), Number.POSITIVE_INFINITY);
    }
    if (left === 0) await this.clearOwedMark(id);
  }

  /**
   * Removes `followUpIds`, appends `events` and takes the request out of the OWED partition, if they
   * are all it owes and it is listed there; false otherwise.
   */
  private async completeLast(id: string, followUpIds: readonly string[], events: readonly HistoryEvent[]): Promise<boolean> {
    const names: Record<string, string> = { ...Object.fromEntries(followUpIds.map((f, i) => [`#f${i}`, requestKeys.followUp(f)])), '#owedCount': 'owedCount' };
    const values: Record<string, unknown> = { ':zero': 0, ':owedN': followUpIds.length, ':owedPk': requestKeys.owed('', id, this.shards).gsi3pk };
    const set = ['#owedCount = :zero'];
    if (events.length > 0) {
      names['#events'] = 'events';
      values[':events'] = events;
      set.push('#events = list_append(#events, :events)');
    }
    return sendConditionally(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
        UpdateExpression: `SET ${set.join(', ')} REMOVE gsi3pk, gsi3sk, ${followUpIds.map((_, i) => `#f${i}`).join(', ')}`,
        ConditionExpression: `#owedCount = :owedN AND gsi3pk = :owedPk AND ${followUpIds.map((_, i) => `attribute_exists(#f${i})`).join(' AND ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Removes every one of `followUpIds`, or none (undefined); resolves to how many are left owed. */
  private async complete(id: string, followUpIds: readonly string[]): Promise<number | undefined> {
    const names = Object.fromEntries(followUpIds.map((f, i) => [`#f${i}`, requestKeys.followUp(f)]));
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
          UpdateExpression: `REMOVE ${followUpIds.map((_, i) => `#f${i}`).join(', ')} ADD #owedCount :done`,
          ConditionExpression: followUpIds.map((_, i) => `attribute_exists(#f${i})`).join(' AND '),
          ExpressionAttributeNames: { ...names, '#owedCount': 'owedCount' },
          ExpressionAttributeValues: { ':done': -followUpIds.length },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(result.Attributes?.owedCount ?? 0);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async clearOwedMark(id: string): Promise<void> {
    try {
      // Nothing is owed: the request leaves the OWED partition (an undelivered decision stays undelivered).
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
          UpdateExpression: 'REMOVE gsi3pk, gsi3sk',
          // Any shard of OWED: the entry may have been written while the shard count was another.
          ConditionExpression: `${conditions.owesNothing} AND begins_with(gsi3pk, :owedPrefix)`,
          ExpressionAttributeNames: { '#owedCount': 'owedCount' },
          ExpressionAttributeValues: { ':zero': 0, ':owedPrefix': OWED_PREFIX },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listOwed(owedBefore: Date, limit: number, after?: OwedCursor): Promise<{ ids: string[]; next?: OwedCursor }> {
    const page = await queryShards(this.db, this.keysOnly('OWED', INDEXES.undelivered, `${owedBefore.toISOString()}~`), {
      limit,
      ...(typeof after?.after === 'string' ? { after: after.after } : {}),
    });
    return { ids: page.items.map(idOfKey), ...(page.after !== undefined ? { next: { after: page.after } } : {}) };
  }

  /** Oldest first, up to `upTo`, across the shards of a keys-only partition. */
  private keysOnly(partition: 'OWED' | 'DUE' | 'UNDELIVERED', index: { readonly name: string; readonly pk: string; readonly sk: string }, upTo?: string): ShardedQuery {
    return {
      tableName: this.tableName,
      indexName: index.name,
      partitionAttribute: index.pk,
      sortAttribute: index.sk,
      partitions: this.shards.partitions(partition),
      order: 'ascending',
      ...(upTo !== undefined ? { range: { to: upTo } } : {}),
    };
  }

  async scheduleRetry(id: string, attempts: number, nextAttemptAt: Date, event: HistoryEvent): Promise<boolean> {
    // The lease doubles as the time of the next attempt, and the undelivered index is sorted by it,
    // so the sweeper reads only deliveries that are due, however many wait for a later retry.
    const undelivered = requestKeys.undelivered(nextAttemptAt.toISOString(), id, this.shards);
    return sendConditionally(
      this.db,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
        UpdateExpression: 'SET #attempts = :attempts, #lease = :next, gsi3sk = :g3sk, #events = list_append(#events, :event)',
        ConditionExpression: conditions.isUndelivered,
        ExpressionAttributeNames: { '#attempts': 'deliveryAttempts', '#lease': 'leaseUntil', '#events': 'events', '#delivery': 'delivery' },
        ExpressionAttributeValues: { ':attempts': attempts, ':next': nextAttemptAt.toISOString(), ':g3sk': undelivered.gsi3sk, ':event': [event], ':pendingDelivery': 'pending' },
      }),
    );
  }

  async appendEvent(id: string, event: HistoryEvent): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
        UpdateExpression: 'SET #events = list_append(#events, :event)',
        ConditionExpression: conditions.exists,
        ExpressionAttributeNames: { '#events': 'events' },
        ExpressionAttributeValues: { ':event': [event] },
      }),
    );
  }

  async listPending(query: ListPendingQuery): Promise<Page<ListedRequest>> {
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    if (query.workflowId) {
      filters.push('workflowId = :workflowId');
      values[':workflowId'] = query.workflowId;
    }
    if (query.nodeId) {
      filters.push('nodeId = :nodeId');
      values[':nodeId'] = query.nodeId;
    }
    return this.listedPage('pending', {
      tableName: this.tableName,
      indexName: INDEXES.pending.name,
      partitionAttribute: INDEXES.pending.pk,
      sortAttribute: INDEXES.pending.sk,
      partitions: this.shards.partitions('PENDING'),
      order: 'descending',
      projection: LISTED_FIELDS,
      ...(filters.length ? { filter: { expression: filters.join(' AND '), values } } : {}),
    }, query);
  }

  async listDue(now: Date, limit: number): Promise<ApprovalRequest[]> {
    // '~' sorts after every id character, so requests due exactly now are included.
    const page = await queryShards(this.db, this.keysOnly('DUE', INDEXES.due, `${now.toISOString()}~`), { limit });
    return this.getAll(page.items);
  }

  async listUndelivered(limit: number, now?: Date): Promise<ApprovalRequest[]> {
    const page = await queryShards(this.db, this.keysOnly('UNDELIVERED', INDEXES.undelivered, now ? `${now.toISOString()}~` : undefined), { limit });
    return this.getAll(page.items);
  }

  /**
   * The due and undelivered indexes hold keys only (see index-projections.ts): the sweeper reads each
   * request it acts on from the table, consistently, a batch in one BatchGetItem instead of a GetItem
   * each. One that is gone meanwhile is skipped; the list keeps the index's order.
   */
  private async getAll(keys: readonly Record<string, unknown>[]): Promise<ApprovalRequest[]> {
    const ids = keys.map(idOfKey);
    const found = new Map<string, ApprovalRequest>();
    for (let start = 0; start < ids.length; start += BATCH_GET_KEYS) {
      for (const item of await this.batchGet(ids.slice(start, start + BATCH_GET_KEYS))) found.set(String(item.id), toDomain(item));
    }
    return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
  }

  /** The items of `ids` (at most 100), read again while DynamoDB leaves keys unprocessed; the last few one by one. */
  private async batchGet(ids: readonly string[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let keys: Record<string, unknown>[] = ids.map((id) => ({ pk: requestKeys.pk(id), sk: requestKeys.sk }));
    for (let attempt = 0; attempt < BATCH_GET_ATTEMPTS && keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const result = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }));
      items.push(...(result.Responses?.[this.tableName] ?? []));
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    const rest = await Promise.all(keys.map((key) => this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))));
    return [...items, ...rest.flatMap((result) => (result.Item ? [result.Item] : []))];
  }

  async listDecided(query: HistoryQuery): Promise<Page<ListedRequest>> {
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (query.workflowId) {
      filters.push('workflowId = :workflowId');
      values[':workflowId'] = query.workflowId;
    }
    if (query.approver) {
      filters.push('#decision.approver = :approver');
      names['#decision'] = 'decision';
      values[':approver'] = query.approver;
    }
    return this.listedPage('history', {
      tableName: this.tableName,
      indexName: INDEXES.timeline.name,
      partitionAttribute: INDEXES.timeline.pk,
      sortAttribute: INDEXES.timeline.sk,
      partitions: this.shards.partitions('DECIDED'),
      order: 'descending',
      range: { from: query.from ?? '0000', to: `${query.to ?? '9999'}~` },
      projection: LISTED_FIELDS,
      ...(filters.length ? { filter: { expression: filters.join(' AND '), names, values } } : {}),
    }, query);
  }

  /**
   * A page of a listing, newest first across the shards. Listings read only the listed attributes
   * (never the task token): a page of requests with large checkpoints or conversations stays small
   * between the table and the function. DynamoDB still counts the items' whole size against read
   * capacity and its 1 MB page.
   */
  private async listedPage(list: string, query: ShardedQuery, page: { readonly limit: number; readonly cursor?: string }): Promise<Page<ListedRequest>> {
    const after = positionCursor.decode(page.cursor, list);
    const merged = await queryShards(this.db, query, { limit: page.limit, ...(after !== undefined ? { after } : {}) });
    const nextCursor = positionCursor.encode(list, merged.after);
    const items = merged.items.map(toListed);
    return nextCursor ? { items, nextCursor } : { items };
  }
}

/** Index entries hold the request's key: its id is the partition key without its prefix. */
function idOfKey(key: Record<string, unknown>): string {
  return String(key.pk).slice(requestKeys.pk('').length);
}

/** Renames the attributes of `keys` to expression values, as `names` says. */
function prefixed(keys: Record<string, string>, names: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(keys).map(([attribute, value]) => [names[attribute]!, value]));
}

/** The follow-ups stored on a request item. */
function followUpsOf(item: Record<string, unknown>): OwedFollowUp[] {
  return Object.entries(item)
    .filter(([name]) => name.startsWith(FOLLOW_UP_PREFIX))
    .map(([, value]) => value as OwedFollowUp)
    .sort((a, b) => (a.owedAt < b.owedAt ? -1 : a.owedAt > b.owedAt ? 1 : 0));
}

function lastEventAt(request: ApprovalRequest): string {
  return request.events.at(-1)?.at ?? request.createdAt;
}

/**
 * Moves the request's audit chain tail past the entries `followUps` carry sealed, on the condition that
 * it is still where they were sealed after: the returned condition, or undefined when none is sealed.
 */
function moveAuditTail(
  followUps: readonly OwedFollowUp[],
  update: { set: string[]; names: Record<string, string>; values: Record<string, unknown> },
): string | undefined {
  const moved = tailAfter(followUps);
  if (!moved) return undefined;
  update.names['#auditTail'] = 'auditTail';
  update.set.push('#auditTail = :auditTail');
  update.values[':auditTail'] = moved.tail;
  if (moved.first === 1) return 'attribute_not_exists(#auditTail)';
  update.names['#tailSeq'] = 'seq';
  update.values[':sealedAfter'] = moved.first - 1;
  return '#auditTail.#tailSeq = :sealedAfter';
}

/**
 * Adds the writes that record `followUps` as owed to an update of `request`; returns the ADD clauses.
 * A pending request joins the OWED partition (keeping an earlier owed time); a decided one is in the
 * undelivered partition already, where the sweeper finds it too.
 */
function oweFollowUps(
  followUps: readonly OwedFollowUp[],
  request: ApprovalRequest,
  at: string,
  update: { set: string[]; names: Record<string, string>; values: Record<string, unknown> },
  shards: ShardLayout,
): string[] {
  if (followUps.length === 0) return [];
  followUps.forEach((f, i) => {
    update.names[`#owed${i}`] = requestKeys.followUp(f.id);
    update.values[`:owed${i}`] = f;
    update.set.push(`#owed${i} = :owed${i}`);
  });
  if (request.status === 'pending') {
    const owed = requestKeys.owed(at, request.id, shards);
    update.set.push('gsi3pk = :owedPk', 'gsi3sk = if_not_exists(gsi3sk, :owedSk)');
    update.values[':owedPk'] = owed.gsi3pk;
    update.values[':owedSk'] = owed.gsi3sk;
  }
  update.names['#owedCount'] = 'owedCount';
  update.values[':owedN'] = followUps.length;
  return ['#owedCount :owedN'];
}
