import { assertMayDecide } from '#core/authorization';
import { assertMayDecideOnBehalf } from '#core/delegation';
import { ForbiddenError } from '#core/errors';
import type { Identity } from '#core/identity';
import type { ApprovalRequest } from '#core/request';
import type { Clock, Delegations } from '#ports';
import type { Directory } from '../channels/directory.ts';

/** What a decide check needs to honour delegations; without them, callers decide in their own right only. */
export interface DelegationDeps {
  readonly clock: Clock;
  readonly delegations?: Delegations;
  /** Where a delegator's current groups come from. */
  readonly directory?: Pick<Directory, 'person'>;
}

/** Whose rights a decision uses: the caller's own, or those of the person they stand in for. */
export interface Decider {
  /** The identity whose rights apply (the delegator's, with their groups from the directory). */
  readonly rights: Identity;
  /** Set when the caller decides as a delegate. */
  readonly onBehalfOf?: string;
}

/**
 * Who the caller decides `request` as. In their own right when they may; otherwise on behalf of
 * someone whose active delegation names them and who may decide it (checked with that person's own
 * groups, and separation of duties for both). Throws the caller's own ForbiddenError when neither.
 * Costs one Query of the caller's delegations, and only when their own right does not suffice.
 */
export async function resolveDecider(deps: DelegationDeps, identity: Identity, request: ApprovalRequest): Promise<Decider> {
  let refusal: ForbiddenError;
  try {
    assertMayDecide(identity, request);
    return { rights: identity };
  } catch (error) {
    if (!(error instanceof ForbiddenError) || !deps.delegations || !deps.directory) throw error;
    refusal = error;
  }
  for (const delegation of await deps.delegations.activeFor(identity.userId, deps.clock.now())) {
    const person = await deps.directory.person(delegation.userId);
    if (!person) continue;
    const delegator: Identity = { userId: person.userId, groups: [...person.groups] };
    try {
      assertMayDecideOnBehalf(identity, delegator, request);
      return { rights: delegator, onBehalfOf: delegator.userId };
    } catch (error) {
      if (!(error instanceof ForbiddenError)) throw error;
    }
  }
  throw refusal;
}
