import { NotFoundError } from '#core/errors';
import { summaryOf, type FlowDetail, type FlowRevision, type FlowSummary } from '#core/flow-revision';
import type { Page } from '#ports';
import type { FlowStore } from './flow-editor-ports.ts';

interface PageQuery {
  readonly limit: number;
  readonly cursor?: string;
}

/** Every flow with its current (newest) revision and the deployed one. */
export async function listFlows(deps: { readonly flows: Pick<FlowStore, 'listHeads'> }, query: PageQuery): Promise<Page<FlowSummary>> {
  const page = await deps.flows.listHeads(query);
  return { ...page, items: page.items.map(summaryOf) };
}

/** One flow: its current revision in full, and what is deployed. */
export async function describeFlow(
  deps: { readonly flows: Pick<FlowStore, 'head' | 'getRevision'>; readonly knownTools: readonly string[] },
  flowId: string,
): Promise<FlowDetail> {
  const head = await deps.flows.head(flowId);
  if (!head) throw new NotFoundError(`flow ${flowId} not found`);
  const current = await deps.flows.getRevision(flowId, head.currentRevision);
  if (!current) throw new NotFoundError(`flow ${flowId} has lost its revision ${head.currentRevision}`);
  return { ...summaryOf(head), current, deployment: head.deployed ?? null, knownTools: [...deps.knownTools] };
}

/** A flow's revisions, newest first, each with who saved it, when, and its diff. */
export async function listFlowRevisions(deps: { readonly flows: Pick<FlowStore, 'head' | 'listRevisions'> }, flowId: string, query: PageQuery): Promise<Page<FlowRevision>> {
  if (!(await deps.flows.head(flowId))) throw new NotFoundError(`flow ${flowId} not found`);
  return deps.flows.listRevisions(flowId, query);
}
