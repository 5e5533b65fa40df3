import type { FlowDeployment, FlowHead, FlowRevision } from '#core/flow-revision';
import type { FlowChannel } from '#core/hitl-config';
import type { McpToolNow } from '#core/mcp-listing';
import type { Page } from '#ports';
import type { AslDefinition } from '#statemachines/definitions';

/**
 * Ports of the flow editor: the stored revisions of each flow, and the deployer that publishes a
 * compiled revision to Step Functions (a new state machine version behind the flow's alias on AWS, a
 * re-registered machine on the local engine).
 */

/** Flow heads and revisions. Revisions are immutable once written; every write is conditional. */
export interface FlowStore {
  head(flowId: string): Promise<FlowHead | undefined>;
  /** Every flow's head, by id. */
  listHeads(page: { readonly limit: number; readonly cursor?: string }): Promise<Page<FlowHead>>;
  getRevision(flowId: string, revision: number): Promise<FlowRevision | undefined>;
  /** Revisions newest first. */
  listRevisions(flowId: string, page: { readonly limit: number; readonly cursor?: string }): Promise<Page<FlowRevision>>;
  /**
   * Stores `revision` as the flow's newest one and moves its head there (creating the head for a
   * first revision). Throws ConcurrentUpdateError when that revision number is taken.
   */
  addRevision(revision: FlowRevision, options?: { readonly shippedDigest?: string }): Promise<FlowHead>;
  /** Keeps the compiled definition of a revision that is being deployed, so it can run again after a restart. */
  storeDefinition(flowId: string, revision: number, definition: AslDefinition): Promise<void>;
  /** The compiled definition stored when the revision was deployed. */
  definitionOf(flowId: string, revision: number): Promise<AslDefinition | undefined>;
  /** Points the head at a new deployment. */
  /**
   * Records `deployment` as the flow's deployed revision. With `expectedRevision` (a revision, or
   * null for none), only if the head still records that one; else ConcurrentUpdateError.
   */
  markDeployed(flowId: string, deployment: FlowDeployment, expectedRevision?: number | null): Promise<FlowHead>;
  /** Remembers the digest of the shipped file (start-up notices a file that changed since). */
  setShippedDigest(flowId: string, digest: string): Promise<void>;
}

/** A compiled revision to publish. `definition` still has its `${...}` placeholders; the deployer fills them. */
export interface FlowRelease {
  readonly flowId: string;
  readonly revision: number;
  readonly channel: FlowChannel;
  readonly definition: AslDefinition;
  /** Shown as the version's description. */
  readonly description: string;
}

/** Where a published revision runs. */
export interface PublishedFlow {
  /** What new executions are started on (the version's ARN). */
  readonly stateMachineArn: string;
  readonly versionArn?: string;
  readonly aliasArn?: string;
}

/** One problem Step Functions (or asl-validator) finds in a definition. */
export interface DefinitionProblem {
  /** Where: a state name or JSON path into the definition, when known. */
  readonly path: string;
  readonly message: string;
}

/** Publishes compiled flows. New executions start on the new definition; running ones keep theirs. */
export interface FlowDeployer {
  /** Problems of `definition` once its placeholders are filled; empty when it is valid. */
  validate(definition: AslDefinition): Promise<DefinitionProblem[]>;
  /** Makes the release the flow's live version. */
  publish(release: FlowRelease): Promise<PublishedFlow>;
  /**
   * Routes the flow's live alias back to a version published before (repair after a concurrent
   * deploy). Absent where there is no alias to move (local mode re-registers per deploy).
   */
  route?(flowId: string, versionArn: string, revision: number): Promise<void>;
}

/** Reads the MCP tools among a flow's tools from their servers (`tools/list`). */
export interface McpToolReader {
  /**
   * The MCP tools among `toolNames`, by name (other tools are left out), each as its server lists it
   * now. A server that does not answer: ToolServerUnreachableError naming it.
   */
  read(toolNames: readonly string[]): Promise<Record<string, McpToolNow>>;
}
