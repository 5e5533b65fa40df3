import { HitlError } from '#core/errors';
import type { ApprovalRequest } from '#core/request';
import type { Clock } from '#ports';
import { respond, type RespondDeps, type RespondResult } from '#usecases/respond';
import type { Directory } from '../directory.ts';
import { ClosedRequestError, InvalidLinkError, UsedLinkError } from '../errors.ts';
import type { SecretSource } from '../secrets/secret-source.ts';
import type { LinkNonces } from './link-nonces.ts';
import { verifyLinkToken, type LinkClaims } from './link-token.ts';

export interface DecisionLinkDeps extends RespondDeps {
  readonly linkSecret: SecretSource;
  readonly nonces: LinkNonces;
  readonly directory: Directory;
  readonly clock: Clock;
}

export interface OpenedLink {
  readonly claims: LinkClaims;
  readonly request: ApprovalRequest;
}

/** Used-link records outlive the link by a day, so reuse is answered "used" rather than "expired" meanwhile. */
const KEEP_USED_LINK_MS = 24 * 3600 * 1000;

function closedMessage(request: ApprovalRequest): string {
  const decision = request.decision;
  if (!decision) return `This request is already ${request.status.replace('_', ' ')}.`;
  return `This request was already decided: ${decision.outcome.replace('_', ' ')} by ${decision.approver} at ${decision.decidedAt}.`;
}

/**
 * What a link's GET shows: checks the token, its single use and that the request still waits, and
 * changes nothing (mail scanners open links). Throws a ChannelError saying why the link is unusable.
 */
export async function openDecisionLink(deps: DecisionLinkDeps, token: string): Promise<OpenedLink> {
  const claims = verifyLinkToken(await deps.linkSecret(), token, deps.clock.now());
  if (await deps.nonces.isUsed(claims.nonce)) throw new UsedLinkError();
  const request = await deps.store.get(claims.requestId);
  if (!request) throw new ClosedRequestError('This request no longer exists.');
  if (request.status !== 'pending') throw new ClosedRequestError(closedMessage(request));
  return { claims, request };
}

/**
 * The confirmation POST: spends the link (a conditional put, so of two racing clicks one wins) and
 * decides through respond(), as the approver the link was sent to, with the groups the directory
 * gives them now: someone removed from a group since the mail went out can no longer decide.
 */
export async function useDecisionLink(deps: DecisionLinkDeps, token: string, reason?: string): Promise<RespondResult> {
  const { claims, request } = await openDecisionLink(deps, token);
  const now = deps.clock.now();
  const claimed = await deps.nonces.claim(claims.nonce, {
    requestId: claims.requestId,
    approver: claims.approver,
    decision: claims.decision,
    at: now,
    keepUntil: new Date(claims.expiresAt * 1000 + KEEP_USED_LINK_MS),
  });
  if (!claimed) throw new UsedLinkError();

  const person = await deps.directory.person(claims.approver);
  if (!person) throw new InvalidLinkError(`${claims.approver} is no longer in the directory, so this link cannot decide.`, 403);
  try {
    return await respond(deps, {
      id: request.id,
      identity: { userId: person.userId, groups: person.groups },
      decision: claims.decision,
      scope: 'once',
      channel: 'email',
      ...(reason ? { reason } : {}),
    });
  } catch (error) {
    // A store or network fault is not the approver's doing: give the link back so they can retry.
    // A domain refusal (forbidden, already decided) keeps it spent.
    if (!(error instanceof HitlError)) await deps.nonces.release(claims.nonce).catch(() => undefined);
    throw error;
  }
}
