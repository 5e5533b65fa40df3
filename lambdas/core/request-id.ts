import { createHash } from 'node:crypto';

/**
 * The request id is derived from (execution, node, step), so a Step Functions retry of the same gate
 * finds the request it already created instead of making a second one.
 */
export function requestIdFor(executionId: string, nodeId: string, step: string): string {
  const digest = createHash('sha256').update(`${executionId}\u0000${nodeId}\u0000${step}`).digest('base64url');
  return `apr_${digest.slice(0, 26).replace(/[-_]/g, 'x')}`;
}

/** Ids are short, URL-safe and carry no path characters; anything else is rejected at the edge. */
export const REQUEST_ID_PATTERN = /^apr_[A-Za-z0-9]{26}$/;
