import { assertMayDecide } from '#core/authorization';
import { AlreadyDecidedError, ConcurrentUpdateError } from '#core/errors';
import { maxExtensionAtLevel } from '#core/hitl-config';
import type { Identity } from '#core/identity';
import { extend, extendedSecondsAtLevel } from '#core/lifecycle';
import type { ReadAccess } from '#core/read-access';
import type { ApprovalStore, AuditLog, Clock } from '#ports';
import { readApproval } from './read-approvals.ts';

export interface ExtendDeps {
  readonly store: ApprovalStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly access: ReadAccess;
}

export interface ExtendInput {
  readonly id: string;
  readonly identity: Identity;
  readonly bySeconds: number;
}

export interface ExtendResult {
  readonly id: string;
  readonly dueAt: string;
  readonly previousDueAt: string;
  readonly level: number;
  /** Seconds the current level's deadline has been extended in all, this extension included. */
  readonly extendedSeconds: number;
  /** The most the node allows per level. */
  readonly maxExtensionSeconds: number;
}

const CONCURRENT_RETRIES = 5;

/**
 * Moves a pending request's deadline `bySeconds` later, by an approver who may decide it at its
 * current level (separation of duties included). The extensions of a level add up to at most the
 * node's maximum (400 beyond it). One conditional write, only while the request is pending at its
 * level with the deadline that was read, moves `dueAt` and the due index together; a sweeper that
 * read the old deadline then fails its own conditional write and leaves the request pending.
 */
export async function extendRequest(deps: ExtendDeps, input: ExtendInput): Promise<ExtendResult> {
  for (let attempt = 0; ; attempt++) {
    const request = await readApproval(deps, input.identity, input.id);
    assertMayDecide(input.identity, request);
    if (request.status !== 'pending') throw new AlreadyDecidedError(request.id, request.status);
    const extended = extend(request, input.bySeconds, input.identity.userId, deps.clock.now());
    try {
      await deps.store.transition(request, extended);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError && attempt < CONCURRENT_RETRIES) continue;
      throw error;
    }
    const result: ExtendResult = {
      id: extended.id,
      dueAt: extended.dueAt,
      previousDueAt: request.dueAt,
      level: extended.level,
      extendedSeconds: extendedSecondsAtLevel(extended),
      maxExtensionSeconds: maxExtensionAtLevel(extended.hitl, extended.level, extended.channel),
    };
    await deps.audit.append({
      executionId: extended.executionId,
      workflowId: extended.workflowId,
      nodeId: extended.nodeId,
      requestId: extended.id,
      kind: 'extend',
      actor: input.identity.userId,
      detail: { bySeconds: input.bySeconds, dueAt: result.dueAt, previousDueAt: result.previousDueAt, level: result.level },
    });
    return result;
  }
}
