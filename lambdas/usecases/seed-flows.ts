import { createHash } from 'node:crypto';
import type { Flow } from '#core/flow';
import { comparable } from '#core/flow-revision';
import { diffJson } from '#core/json-diff';
import type { Clock } from '#ports';
import type { FlowStore } from './flow-editor-ports.ts';

/** Who stores the revisions that come from the shipped flow files. */
export const SHIPPED_BY = 'system:flow-file';

/** What start-up did with one shipped flow file. */
export type SeedOutcome =
  /** First start: the file became the flow's first revision (revision 1 for the shipped files). */
  | { readonly flowId: string; readonly action: 'seeded'; readonly revision: number }
  /** The file changed, and the flow was never edited: the file became a new revision. */
  | { readonly flowId: string; readonly action: 'updated'; readonly revision: number }
  /** The file changed, but people have edited or deployed other revisions since: theirs stand. */
  | { readonly flowId: string; readonly action: 'file_changed'; readonly revision: number }
  | { readonly flowId: string; readonly action: 'unchanged'; readonly revision: number };

/** A stable digest of a flow's content (its revision number aside). */
export function flowDigest(flow: Flow): string {
  return createHash('sha256').update(canonicalJson(comparable(flow))).digest('hex');
}

/**
 * Stores the shipped flow files as revisions: a flow not yet in the table gets the file as its first
 * revision (the file's `revision`, 1 for the shipped files). A file that changed since it was seeded
 * becomes a new revision only while the flow has nothing but file revisions, all deployed; once people
 * edit a flow, the table is its source of truth. Deploying is up to the caller.
 */
export async function seedShippedFlows(deps: { readonly flows: FlowStore; readonly clock: Clock }, shipped: readonly Flow[]): Promise<SeedOutcome[]> {
  const outcomes: SeedOutcome[] = [];
  for (const flow of shipped) {
    const digest = flowDigest(flow);
    const head = await deps.flows.head(flow.id);
    const savedAt = deps.clock.now().toISOString();
    if (!head) {
      await deps.flows.addRevision({ flowId: flow.id, revision: flow.revision, flow, source: 'shipped', savedBy: SHIPPED_BY, savedAt, diff: [] }, { shippedDigest: digest });
      outcomes.push({ flowId: flow.id, action: 'seeded', revision: flow.revision });
      continue;
    }
    if (head.shippedDigest === digest) {
      outcomes.push({ flowId: flow.id, action: 'unchanged', revision: head.currentRevision });
      continue;
    }
    const current = await deps.flows.getRevision(flow.id, head.currentRevision);
    const untouched = current?.source === 'shipped' && head.deployed?.revision === head.currentRevision;
    if (!current || !untouched) {
      outcomes.push({ flowId: flow.id, action: 'file_changed', revision: head.currentRevision });
      continue;
    }
    const diff = diffJson(comparable(current.flow), comparable(flow));
    if (diff.length === 0) {
      await deps.flows.setShippedDigest(flow.id, digest);
      outcomes.push({ flowId: flow.id, action: 'unchanged', revision: head.currentRevision });
      continue;
    }
    const revision = head.currentRevision + 1;
    await deps.flows.addRevision(
      {
        flowId: flow.id,
        revision,
        flow: { ...flow, revision },
        source: 'shipped',
        savedBy: SHIPPED_BY,
        savedAt,
        basedOn: current.revision,
        diff,
      },
      { shippedDigest: digest },
    );
    outcomes.push({ flowId: flow.id, action: 'updated', revision });
  }
  return outcomes;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
