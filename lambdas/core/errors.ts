/**
 * Domain errors. Every error the system raises on purpose is a HitlError with a stable `code`;
 * `httpStatusOf` maps them to HTTP and the gate maps them to Step Functions error names.
 */
export class HitlError extends Error {
  readonly code: string = 'HitlError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that fails its schema; `issues` name each offending field. */
export class ValidationError extends HitlError {
  override readonly code = 'ValidationError';
  constructor(message: string, readonly issues: { path: string; message: string }[] = []) {
    super(message);
  }
}

export class PayloadTooLargeError extends HitlError {
  override readonly code = 'PayloadTooLarge';
}

export class UnsupportedMediaTypeError extends HitlError {
  override readonly code = 'UnsupportedMediaType';
}

export class UnauthenticatedError extends HitlError {
  override readonly code = 'Unauthenticated';
}

export class ForbiddenError extends HitlError {
  override readonly code = 'Forbidden';
}

/**
 * An approver's edited arguments that the node's policy would not let through as they are: a deny
 * rule, or a require_approval rule whose approvers do not include the editor. `policyId` names the
 * rule; `approvers` the groups and users the rule wants when the editor is not among them.
 */
export class PolicyRefusedError extends HitlError {
  override readonly code = 'PolicyRefused';
  constructor(
    message: string,
    readonly policyId: string,
    readonly approvers?: { readonly users: readonly string[]; readonly groups: readonly string[] },
  ) {
    super(message);
  }
}

export class NotFoundError extends HitlError {
  override readonly code = 'NotFound';
}

/** A second, different decision on a request that is no longer pending. */
export class AlreadyDecidedError extends HitlError {
  override readonly code = 'AlreadyDecided';
  constructor(readonly requestId: string, readonly status: string) {
    super(`approval ${requestId} is already ${status}`);
  }
}

/** A transition the request lifecycle does not allow (e.g. escalating a decided request). */
export class IllegalTransitionError extends HitlError {
  override readonly code = 'IllegalTransition';
  constructor(readonly from: string, readonly event: string) {
    super(`cannot ${event} a request that is ${from}`);
  }
}

/** The workflow no longer waits for this decision: its task token expired or is unknown. */
export class WorkflowGoneError extends HitlError {
  override readonly code = 'WorkflowGone';
}

/**
 * What was asked needs infrastructure this deployment does not have yet (a new flow's state machine on
 * AWS, which `cdk deploy` creates): 409, with the message saying what to run.
 */
export class NeedsStackDeployError extends HitlError {
  override readonly code = 'NeedsStackDeploy';
}

/** A concurrent writer changed the item first; the caller may re-read and retry. */
export class ConcurrentUpdateError extends HitlError {
  override readonly code = 'ConcurrentUpdate';
}

/** The audit chain stayed contended or unreachable through every attempt; the entry is still owed. */
export class AuditAppendError extends HitlError {
  override readonly code = 'AuditAppend';
}

/** An Idempotency-Key used again with a different body: the first request stands. */
export class IdempotencyConflictError extends HitlError {
  override readonly code = 'IdempotencyConflict';
}

/**
 * A tool a flow names is no longer what the flow was saved with (an MCP server changed the tool's
 * argument schema or dropped the tool): 409, naming the tool; saving the flow again takes the new one.
 */
export class ToolSchemaChangedError extends HitlError {
  override readonly code = 'ToolSchemaChanged';
}

/** A tool's server (an MCP server) did not answer when its listing had to be read: 503, naming the server. */
export class ToolServerUnreachableError extends HitlError {
  override readonly code = 'ToolServerUnreachable';
}

/** The HTTP status of each error code; the OpenAPI document derives each route's error statuses from it. */
export const STATUS_BY_CODE = {
  ValidationError: 400,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  Unauthenticated: 401,
  Forbidden: 403,
  PolicyRefused: 403,
  NotFound: 404,
  AlreadyDecided: 409,
  IllegalTransition: 409,
  ConcurrentUpdate: 409,
  AuditAppend: 503,
  IdempotencyConflict: 409,
  NeedsStackDeploy: 409,
  WorkflowGone: 410,
  ToolSchemaChanged: 409,
  ToolServerUnreachable: 503,
} as const satisfies Record<string, number>;

/** A code `httpStatusOf` maps to a status of its own. */
export type ErrorCode = keyof typeof STATUS_BY_CODE;

/** HTTP status for an error; anything that is not a HitlError is a 500. */
export function httpStatusOf(error: unknown): number {
  return error instanceof HitlError ? ((STATUS_BY_CODE as Record<string, number>)[error.code] ?? 500) : 500;
}
