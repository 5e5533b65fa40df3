import { createHash } from 'node:crypto';
import { ConcurrentUpdateError } from '#core/errors';
import type { Flow } from '#core/flow';
import { comparable, type FlowDeployment, type FlowHead } from '#core/flow-revision';
import { diffJson } from '#core/json-diff';
import type { Clock } from '#ports';
import { compileFlow } from '#statemachines/compiler';
import type { FlowStore } from './flow-editor-ports.ts';

/** Who stores the revisions that come from the shipped flow files. */
export const SHIPPED_BY = 'system:flow-file';

/** Who deployed the revisions CloudFormation published (`cdk deploy`), on AWS. */
export const DEPLOYED_BY_CLOUDFORMATION = 'system:cloudformation';

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
 * The first 16 hex digits of `flowDigest`: what CDK writes into `FLOW_STATE_MACHINES` for each flow
 * it deploys, so the API function seeds a flow file only when it is the one CloudFormation deployed.
 */
export function deployedFlowDigest(flow: Flow): string {
  return flowDigest(flow).slice(0, 16);
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

/** How CloudFormation deployed a flow (the API function's `FLOW_STATE_MACHINES` entry). */
export interface CloudFormationDeployment {
  /** The alias new executions start on; CloudFormation routes it to the version it published. */
  readonly aliasArn: string;
  /** `deployedFlowDigest` of the flow CloudFormation deployed. */
  readonly digest: string;
}

/** What the API function did with one shipped flow file on AWS. */
export type CloudFormationSeedOutcome =
  | SeedOutcome
  /** CloudFormation deployed another definition of the flow than this file (a stack given other flows): not seeded. */
  | { readonly flowId: string; readonly action: 'file_differs' };

/**
 * Records in the table what `cdk deploy` put behind each flow's alias, on AWS: a flow not yet in the
 * table gets its file as its first revision, deployed at the alias (by `system:cloudformation`). While
 * the deployed revision is CloudFormation's (new executions start on the alias), a file that changed
 * since, which the latest `cdk deploy` published behind the alias, becomes the newest revision and the
 * deployed one. Once an admin deploys a revision from the editor (new executions start on its version),
 * that deployment stands: a changed file is only reported (`file_changed`), unless the file now equals
 * the deployed revision (copied back from the editor), which hands the flow back to CloudFormation's
 * alias. Idempotent and safe to run from several Lambda instances at once: every write is
 * conditional, and a lost race is read again. Files CloudFormation did not deploy (`deployedAs`
 * answers undefined) are skipped.
 */
export async function seedCloudFormationFlows(
  deps: { readonly flows: FlowStore; readonly clock: Clock },
  files: readonly Flow[],
  deployedAs: (flowId: string) => CloudFormationDeployment | undefined,
): Promise<CloudFormationSeedOutcome[]> {
  const seeded = files.map(async (flow): Promise<CloudFormationSeedOutcome | undefined> => {
    const deployment = deployedAs(flow.id);
    if (!deployment) return undefined;
    if (deployment.digest !== deployedFlowDigest(flow)) return { flowId: flow.id, action: 'file_differs' };
    try {
      return await recordCloudFormationFlow(deps, flow, deployment.aliasArn);
    } catch (error) {
      // Another instance seeded the same flow in between: start over from what it stored.
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      return recordCloudFormationFlow(deps, flow, deployment.aliasArn);
    }
  });
  return (await Promise.all(seeded)).filter((outcome) => outcome !== undefined);
}

/** Whether new executions of the deployment start on the alias, which CloudFormation moves. */
function followsAlias(deployment: FlowDeployment, aliasArn: string): boolean {
  return deployment.stateMachineArn === aliasArn;
}

async function recordCloudFormationFlow(deps: { readonly flows: FlowStore; readonly clock: Clock }, flow: Flow, aliasArn: string): Promise<SeedOutcome> {
  const digest = flowDigest(flow);
  const head = await deps.flows.head(flow.id);
  const deployAtAlias = (revision: number) =>
    deps.flows.markDeployed(flow.id, {
      revision,
      channel: flow.channel,
      deployedAt: deps.clock.now().toISOString(),
      deployedBy: DEPLOYED_BY_CLOUDFORMATION,
      stateMachineArn: aliasArn,
      aliasArn,
    });
  if (head?.deployed && !followsAlias(head.deployed, aliasArn)) {
    if (head.shippedDigest === digest) return { flowId: flow.id, action: 'unchanged', revision: head.currentRevision };
    const deployed = await deps.flows.getRevision(flow.id, head.deployed.revision);
    if (!deployed || diffJson(comparable(deployed.flow), comparable(flow)).length > 0) {
      return { flowId: flow.id, action: 'file_changed', revision: head.currentRevision };
    }
    // Someone copied the deployed revision back into the file, and `cdk deploy` published it behind
    // the alias: new executions start on the alias again, and the flow follows its file from now on.
    await deps.flows.setShippedDigest(flow.id, digest);
    await deployAtAlias(deployed.revision);
    return { flowId: flow.id, action: 'unchanged', revision: head.currentRevision };
  }
  if (head?.deployed && head.shippedDigest === digest && head.deployed.revision === head.currentRevision) {
    return { flowId: flow.id, action: 'unchanged', revision: head.currentRevision };
  }
  const stored = await storeFileRevision(deps, flow, digest, head);
  if (!stored) return { flowId: flow.id, action: 'unchanged', revision: head!.currentRevision };
  if (head?.deployed?.revision !== stored.revision) {
    await deps.flows.storeDefinition(flow.id, stored.revision, compileFlow({ ...flow, revision: stored.revision }));
    await deployAtAlias(stored.revision);
  }
  return { flowId: flow.id, action: stored.action, revision: stored.revision };
}

/**
 * The stored revision equal to the file, stored now when there is none; undefined when the file's
 * revision is still deployed and people saved newer revisions since (not deployed: they wait).
 */
async function storeFileRevision(
  deps: { readonly flows: FlowStore; readonly clock: Clock },
  flow: Flow,
  digest: string,
  head: FlowHead | undefined,
): Promise<{ revision: number; action: 'seeded' | 'updated' | 'unchanged' } | undefined> {
  const savedAt = deps.clock.now().toISOString();
  if (!head) {
    await deps.flows.addRevision({ flowId: flow.id, revision: flow.revision, flow, source: 'shipped', savedBy: SHIPPED_BY, savedAt, diff: [] }, { shippedDigest: digest });
    return { revision: flow.revision, action: 'seeded' };
  }
  const current = await deps.flows.getRevision(flow.id, head.currentRevision);
  const diff = current ? diffJson(comparable(current.flow), comparable(flow)) : [];
  if (current && diff.length === 0) {
    if (head.shippedDigest !== digest) await deps.flows.setShippedDigest(flow.id, digest);
    return { revision: current.revision, action: 'unchanged' };
  }
  if (head.deployed && head.shippedDigest === digest) return undefined;
  const revision = head.currentRevision + 1;
  await deps.flows.addRevision(
    { flowId: flow.id, revision, flow: { ...flow, revision }, source: 'shipped', savedBy: SHIPPED_BY, savedAt, basedOn: head.currentRevision, diff },
    { shippedDigest: digest },
  );
  return { revision, action: 'updated' };
}

/**
 * `store`, seeded before its first use: `seed` runs once, when any method is first called (on AWS,
 * once per Lambda instance, and only by instances that serve a flow route). A seed that fails fails
 * that call and is tried again on the next one.
 */
export function seededOnFirstUse(store: FlowStore, seed: () => Promise<unknown>): FlowStore {
  let ready: Promise<unknown> | undefined;
  const seeded = async (): Promise<void> => {
    ready ??= seed().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    await ready;
  };
  const after =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await seeded();
      return call(...args);
    };
  return {
    head: after(store.head.bind(store)),
    listHeads: after(store.listHeads.bind(store)),
    getRevision: after(store.getRevision.bind(store)),
    listRevisions: after(store.listRevisions.bind(store)),
    addRevision: after(store.addRevision.bind(store)),
    storeDefinition: after(store.storeDefinition.bind(store)),
    definitionOf: after(store.definitionOf.bind(store)),
    markDeployed: after(store.markDeployed.bind(store)),
    setShippedDigest: after(store.setShippedDigest.bind(store)),
  };
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
