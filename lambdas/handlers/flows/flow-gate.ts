import middy from '@middy/core';
import { parseOrThrow } from '#core/validation';
import type { CreateOutcome } from '#usecases/create-approval-request';
import { pauseAtFlowGate } from '#usecases/pause-at-flow-gate';
import type { PayloadStore } from '#ports';
import { previewPayloads } from '#usecases/large-state';
import type { AppDeps } from '../deps.ts';
import { logger } from '../logger.ts';
import { FlowGatePayloadSchema } from './payloads.ts';

/**
 * A flow's gate function, invoked by a `.Gate` state (`.waitForTaskToken`). It stores the request
 * and returns; the execution stays paused until the decision comes back with the task token. A
 * failure (too large a state, a bad payload) fails the gate task with the error's name.
 *
 * An action whose texts travel as references is stored on the request with their beginnings and
 * sizes, so the request stays small; the checkpointed state keeps the references, and reading the
 * request (GET /approvals/{id}) shows them whole.
 */
export function createFlowGateHandler(deps: AppDeps & { readonly payloads: PayloadStore }) {
  return middy<unknown, CreateOutcome>().handler(async (event) => {
    const input = parseOrThrow(FlowGatePayloadSchema, await withActionPreview(deps.payloads, event), 'flow gate payload');
    const outcome = await pauseAtFlowGate(deps, input);
    logger.info('flow gate paused', { requestId: outcome.requestId, created: outcome.created, executionId: input.executionId, nodeId: input.nodeId });
    return outcome;
  });
}

/** The beginning of an action's text a request, its notifications and its list summary show. */
export const ACTION_PREVIEW_CHARS = 2_000;

async function withActionPreview(payloads: PayloadStore, event: unknown): Promise<unknown> {
  const { executionId, action } = (event ?? {}) as { executionId?: unknown; action?: unknown };
  if (typeof executionId !== 'string' || action === undefined) return event;
  return { ...(event as object), action: await previewPayloads(payloads, executionId, action, ACTION_PREVIEW_CHARS) };
}
