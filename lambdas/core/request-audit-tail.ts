import type { ChainTail } from './audit-chain.ts';
import type { ApprovalRequest } from './request.ts';

const TAIL = Symbol('auditTail');

/**
 * A request as read, carrying where its audit chain ended at that read. The tail rides along as a
 * hidden property: it is not part of the request anyone sees (API responses, copies made by the
 * lifecycle), only the next state-changing write of this very read uses it.
 */
export function withAuditTail<T extends ApprovalRequest>(request: T, tail: ChainTail | undefined): T {
  if (tail) Object.defineProperty(request, TAIL, { value: tail, enumerable: false });
  return request;
}

/** Where the request's audit chain ended when it was read; undefined when it has none yet. */
export function auditTailOf(request: ApprovalRequest): ChainTail | undefined {
  return (request as { [TAIL]?: ChainTail })[TAIL];
}
