import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError, NotFoundError } from '#core/errors';
import type { ApprovalRequest, HistoryEvent, Vote } from '#core/request';
import type { ApprovalStore, CreateResult, HistoryQuery, ListPendingQuery, Page } from '#ports';
import { isConditionFailure } from './client.ts';
import type { CursorShape } from './cursor.ts';
import { queryPage } from './query-page.ts';
import { INDEXES } from './table.ts';

/** Key builders for request items. */
export const requestKeys = {
  pk: (id: string) => `REQ#${id}`,
  sk: 'META',
  /** A pointer under the execution's partition, so an execution's requests are one Query away. */
  executionPointer: (executionId: string, id: string) => ({ pk: `EXEC#${executionId}`, sk: `REQ#${id}` }),
  pending: (request: Pick<ApprovalRequest, 'createdAt' | 'id'>) => ({ gsi1pk: 'PENDING', gsi1sk: `${request.createdAt}#${request.id}` }),
  due: (request: Pick<ApprovalRequest, 'dueAt' | 'id'>) => ({ gsi2pk: 'DUE', gsi2sk: `${request.dueAt}#${request.id}` }),
  undelivered: (decidedAt: string, id: string) => ({ gsi3pk: 'UNDELIVERED', gsi3sk: `${decidedAt}#${id}` }),
  decided: (decidedAt: string, id: string) => ({ gsi4pk: 'DECIDED', gsi4sk: `${decidedAt}#${id}` }),
};

/** Named conditions, so each write says what it relies on. */
const conditions = {
  doesNotExist: 'attribute_not_exists(pk)',
  exists: 'attribute_exists(pk)',
  isStillPendingAtLevel: '#status = :pending AND #level = :level',
  isUndeliveredAndLeaseFree: '#delivery = :pendingDelivery AND (attribute_not_exists(#lease) OR #lease < :now)',
  isUndelivered: '#delivery = :pendingDelivery',
  hasNotVoted: '(attribute_not_exists(#voters) OR NOT contains(#voters, :approver))',
  isBelowLimit: '(attribute_not_exists(#counter) OR #counter < :limit)',
};

/** The attributes of a request item that make up the domain request. */
export const REQUEST_FIELDS = [
  'id', 'executionId', 'workflowId', 'nodeId', 'step', 'mode', 'channel', 'action', 'context', 'hitl', 'policy',
  'requestedBy', 'checkpoint', 'status', 'level', 'createdAt', 'dueAt', 'votes', 'decision', 'delivery', 'events',
] as const;

/** The stored item minus keys, indexes and the task token: what may leave the store. */
function toDomain(item: Record<string, unknown>): ApprovalRequest {
  const request: Record<string, unknown> = {};
  for (const field of REQUEST_FIELDS) if (item[field] !== undefined) request[field] = item[field];
  return request as ApprovalRequest;
}

const PENDING_CURSOR: CursorShape = { keys: ['pk', 'sk', 'gsi1pk', 'gsi1sk'], partition: { attribute: 'gsi1pk', value: 'PENDING' } };
const HISTORY_CURSOR: CursorShape = { keys: ['pk', 'sk', 'gsi4pk', 'gsi4sk'], partition: { attribute: 'gsi4pk', value: 'DECIDED' } };

/** DynamoDB implementation of ApprovalStore: one item per request, every change one conditional write. */
export class RequestRepository implements ApprovalStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(request: ApprovalRequest, taskToken: string): Promise<CreateResult> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: requestKeys.pk(request.id),
            sk: requestKeys.sk,
            entity: 'request',
            ...request,
            taskToken,
            ...requestKeys.pending(request),
            ...requestKeys.due(request),
          },
          ConditionExpression: conditions.doesNotExist,
        }),
      );
      await this.putExecutionPointer(request);
      return { created: true, request };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get(request.id);
      if (!existing) throw new ConcurrentUpdateError(`request ${request.id} vanished while being created`, { cause: error });
      // A crash between the request and its pointer is repaired by the retry that lands here.
      await this.putExecutionPointer(existing);
      return { created: false, existing };
    }
  }

  async listByExecution(executionId: string): Promise<ApprovalRequest[]> {
    const pointers = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `EXEC#${executionId}`, ':prefix': 'REQ#' },
        Limit: 100,
      }),
    );
    const ids = (pointers.Items ?? []).map((item) => String(item.requestId));
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
            ? { ':pendingDelivery': 'pending', ':g3pk': 'UNDELIVERED', ':g3sk': `${current.decision!.decidedAt}#${id}` }
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

  async transition(previous: ApprovalRequest, next: ApprovalRequest, leaseUntil?: Date): Promise<{ taskToken?: string }> {
    const names: Record<string, string> = { '#status': 'status', '#level': 'level', '#events': 'events', '#dueAt': 'dueAt' };
    const values: Record<string, unknown> = {
      ':pending': 'pending',
      ':level': previous.level,
      ':newStatus': next.status,
      ':newLevel': next.level,
      ':dueAt': next.dueAt,
      ':newEvents': next.events.slice(previous.events.length),
    };
    const set = ['#status = :newStatus', '#level = :newLevel', '#dueAt = :dueAt', '#events = list_append(#events, :newEvents)'];
    const remove: string[] = [];
    if (next.status === 'pending') {
      const due = requestKeys.due(next);
      set.push('gsi2sk = :gsi2sk');
      values[':gsi2sk'] = due.gsi2sk;
    } else {
      const decision = next.decision!;
      names['#decision'] = 'decision';
      names['#delivery'] = 'delivery';
      set.push('#decision = :decision', '#delivery = :delivery', 'gsi3pk = :g3pk', 'gsi3sk = :g3sk', 'gsi4pk = :g4pk', 'gsi4sk = :g4sk');
      values[':decision'] = decision;
      values[':delivery'] = 'pending';
      const undelivered = requestKeys.undelivered(decision.decidedAt, next.id);
      const decided = requestKeys.decided(decision.decidedAt, next.id);
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
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestKeys.pk(next.id), sk: requestKeys.sk },
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: conditions.isStillPendingAtLevel,
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

  async recordVote(request: ApprovalRequest, vote: Vote, limit: number): Promise<ApprovalRequest> {
    const counter = vote.vote === 'approve' ? 'approveCount' : 'rejectCount';
    const event: HistoryEvent = {
      at: vote.at,
      type: 'voted',
      actor: vote.approver,
      detail: { vote: vote.vote, level: vote.level, channel: vote.channel, ...(vote.reason ? { reason: vote.reason } : {}) },
    };
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestKeys.pk(request.id), sk: requestKeys.sk },
          UpdateExpression: 'SET #votes = list_append(if_not_exists(#votes, :none), :vote), #events = list_append(#events, :event) ADD #voters :voter, #counter :one',
          // One vote per person, and none once the count that decides is reached.
          ConditionExpression: `${conditions.isStillPendingAtLevel} AND ${conditions.hasNotVoted} AND ${conditions.isBelowLimit}`,
          ExpressionAttributeNames: { '#status': 'status', '#level': 'level', '#votes': 'votes', '#events': 'events', '#voters': 'voters', '#counter': counter },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':level': request.level,
            ':none': [],
            ':vote': [vote],
            ':event': [event],
            ':voter': new Set([vote.approver]),
            ':approver': vote.approver,
            ':one': 1,
            ':limit': limit,
          },
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
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
          UpdateExpression: 'SET #lease = :until',
          ConditionExpression: conditions.isUndeliveredAndLeaseFree,
          ExpressionAttributeNames: { '#lease': 'leaseUntil', '#delivery': 'delivery' },
          ExpressionAttributeValues: { ':until': leaseUntil.toISOString(), ':now': now.toISOString(), ':pendingDelivery': 'pending' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markDelivery(
    id: string,
    outcome: 'delivered' | 'workflow_gone',
    at: Date,
    detail?: Record<string, unknown>,
  ): Promise<ApprovalRequest | undefined> {
    const event: HistoryEvent = { at: at.toISOString(), type: outcome, actor: 'system:delivery', ...(detail ? { detail } : {}) };
    try {
      const result = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: requestKeys.pk(id), sk: requestKeys.sk },
          UpdateExpression: 'SET #delivery = :outcome, #events = list_append(#events, :event) REMOVE gsi3pk, gsi3sk, #lease',
          ConditionExpression: conditions.isUndelivered,
          ExpressionAttributeNames: { '#delivery': 'delivery', '#events': 'events', '#lease': 'leaseUntil' },
          ExpressionAttributeValues: { ':outcome': outcome, ':event': [event], ':pendingDelivery': 'pending' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return result.Attributes ? toDomain(result.Attributes) : undefined;
    } catch (error) {
      // Already recorded by whoever delivered first: recording it again would double the history event.
      if (!isConditionFailure(error)) throw error;
      return undefined;
    }
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

  async listPending(query: ListPendingQuery): Promise<Page<ApprovalRequest>> {
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':pk': 'PENDING' };
    if (query.workflowId) {
      filters.push('workflowId = :workflowId');
      values[':workflowId'] = query.workflowId;
    }
    if (query.nodeId) {
      filters.push('nodeId = :nodeId');
      values[':nodeId'] = query.nodeId;
    }
    return queryPage(this.db, {
      TableName: this.tableName,
      IndexName: INDEXES.pending.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ScanIndexForward: false,
      ExpressionAttributeValues: values,
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
    }, query, PENDING_CURSOR, toDomain);
  }

  async listDue(now: Date, limit: number): Promise<ApprovalRequest[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEXES.due.name,
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
        // '~' sorts after every id character, so requests due exactly now are included.
        ExpressionAttributeValues: { ':pk': 'DUE', ':now': `${now.toISOString()}~` },
        Limit: limit,
      }),
    );
    return this.getAll(result.Items ?? []);
  }

  async listUndelivered(limit: number): Promise<ApprovalRequest[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEXES.undelivered.name,
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': 'UNDELIVERED' },
        Limit: limit,
      }),
    );
    return this.getAll(result.Items ?? []);
  }

  /**
   * The due and undelivered indexes hold keys only (see index-projections.ts): the sweeper reads each
   * request it acts on from the table, consistently. One that is gone meanwhile is skipped.
   */
  private async getAll(keys: readonly Record<string, unknown>[]): Promise<ApprovalRequest[]> {
    const requests = await Promise.all(keys.map((key) => this.get(String(key.pk).slice(requestKeys.pk('').length))));
    return requests.filter((request): request is ApprovalRequest => request !== undefined);
  }

  async listDecided(query: HistoryQuery): Promise<Page<ApprovalRequest>> {
    const values: Record<string, unknown> = {
      ':pk': 'DECIDED',
      ':from': query.from ?? '0000',
      ':to': `${query.to ?? '9999'}~`,
    };
    const filters: string[] = [];
    const names: Record<string, string> = {};
    if (query.workflowId) {
      filters.push('workflowId = :workflowId');
      values[':workflowId'] = query.workflowId;
    }
    if (query.approver) {
      filters.push('#decision.approver = :approver');
      names['#decision'] = 'decision';
      values[':approver'] = query.approver;
    }
    return queryPage(this.db, {
      TableName: this.tableName,
      IndexName: INDEXES.timeline.name,
      KeyConditionExpression: 'gsi4pk = :pk AND gsi4sk BETWEEN :from AND :to',
      ScanIndexForward: false,
      ExpressionAttributeValues: values,
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
    }, query, HISTORY_CURSOR, toDomain);
  }
}
