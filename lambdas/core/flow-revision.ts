import * as z from 'zod';
import { ForbiddenError } from './errors.ts';
import { FlowIdSchema, FlowSchema, type Flow } from './flow.ts';
import { groupListEnv } from './group-list.ts';
import { FlowChannelSchema } from './hitl-config.ts';
import type { Identity } from './identity.ts';
import { JsonChangeSchema } from './json-diff.ts';
import { McpToolListingsSchema } from './mcp-listing.ts';
import { parseConfig } from './validation.ts';

/**
 * Flow revisions: every save from the editor (or the API) stores the whole flow as a new numbered
 * revision, with who saved it, when, and what changed against the revision before. A deploy makes one
 * revision the one new executions start on; executions keep the revision they started on.
 */

/** Revisions count from 1 (the flow file shipped in statemachines/flows/). */
export const RevisionNumberSchema = z.number().int().min(1).max(999_999);

/** A revision id as the API takes it: the revision number, as a string (`"2"`) or a number. */
export const RevisionIdSchema = z.union([
  RevisionNumberSchema,
  z
    .string()
    .regex(/^[1-9][0-9]{0,5}$/, 'must be a revision number such as "2"')
    .transform(Number),
]);

/** Who writes a revision: the shipped flow file (seeded at start) or a person through the API. */
export const RevisionSourceSchema = z.enum(['shipped', 'editor']);

/** One stored revision of a flow. `flow.revision` equals `revision`. */
export const FlowRevisionSchema = z.object({
  flowId: FlowIdSchema,
  revision: RevisionNumberSchema,
  flow: FlowSchema,
  source: RevisionSourceSchema,
  savedBy: z.string(),
  savedAt: z.string(),
  /** The revision this one was edited from (absent for the first). */
  basedOn: RevisionNumberSchema.optional(),
  /** What changed against `basedOn`, path by path. */
  diff: z.array(JsonChangeSchema),
  /** What the MCP servers of the flow's MCP tools listed for them when it was saved (checked again on deploy). */
  mcpTools: McpToolListingsSchema.optional(),
});
export type FlowRevision = z.infer<typeof FlowRevisionSchema>;

/** A deploy: which revision new executions start on, and where (a state machine version on AWS). */
export const FlowDeploymentSchema = z.object({
  revision: RevisionNumberSchema,
  /** The deployed revision's channel (a later revision may change it). */
  channel: FlowChannelSchema,
  deployedAt: z.string(),
  deployedBy: z.string(),
  /**
   * What StartExecution is given for new executions: the published version's ARN after a deploy from
   * the editor; on AWS, the alias ARN for a revision `cdk deploy` published (it follows the alias).
   */
  stateMachineArn: z.string(),
  /** The published state machine version (AWS), when the deployer has versions. */
  versionArn: z.string().optional(),
  /** The alias that routes to it (AWS). */
  aliasArn: z.string().optional(),
});
export type FlowDeployment = z.infer<typeof FlowDeploymentSchema>;

/** A flow's head: its newest revision and the deployed one. */
export const FlowHeadSchema = z.object({
  flowId: FlowIdSchema,
  name: z.string(),
  channel: FlowChannelSchema,
  currentRevision: RevisionNumberSchema,
  updatedAt: z.string(),
  updatedBy: z.string(),
  /** Absent until a revision has been deployed. */
  deployed: FlowDeploymentSchema.optional(),
  /** Digest of the shipped flow file last seeded, to notice a file that changed since. */
  shippedDigest: z.string().optional(),
});
export type FlowHead = z.infer<typeof FlowHeadSchema>;

/** GET /flows: one line per flow. */
export const FlowSummarySchema = z.object({
  flowId: FlowIdSchema,
  name: z.string(),
  channel: FlowChannelSchema,
  currentRevision: RevisionNumberSchema,
  deployedRevision: RevisionNumberSchema.nullable(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  deployedAt: z.string().optional(),
  deployedBy: z.string().optional(),
});
export type FlowSummary = z.infer<typeof FlowSummarySchema>;

/** GET /flows/{flowId}: the current revision in full, and the deployment. */
export const FlowDetailSchema = FlowSummarySchema.extend({
  current: FlowRevisionSchema,
  deployment: FlowDeploymentSchema.nullable(),
  /** The tools that can be named in the flow (registered in this deployment). */
  knownTools: z.array(z.string()),
});
export type FlowDetail = z.infer<typeof FlowDetailSchema>;

/** Body of POST /flows/{flowId}/deploy. */
export const DeployFlowBodySchema = z.object({ revisionId: RevisionIdSchema }).strict();

/** Answer of POST /flows/{flowId}/deploy. */
export const DeployFlowResultSchema = z.object({
  flowId: FlowIdSchema,
  deployment: FlowDeploymentSchema,
  previousRevision: RevisionNumberSchema.nullable(),
  rolledBack: z.boolean(),
});

/** Answer of PUT /flows/{flowId}. */
export const SaveFlowResultSchema = z.object({
  flowId: FlowIdSchema,
  revision: FlowRevisionSchema,
  /** False when the body equals the current revision: nothing new was stored. */
  created: z.boolean(),
});

/** Query of PUT /flows/{flowId}: `dryRun=true` checks the flow and shows the diff without storing it. */
export const SaveFlowQuerySchema = z
  .object({ dryRun: z.enum(['true', 'false']).optional().transform((value) => value === 'true') })
  .strict();

/** Answer of PUT /flows/{flowId}?dryRun=true. */
export const ValidateFlowResultSchema = z.object({
  valid: z.literal(true),
  /** The revision number saving it would create. */
  revision: RevisionNumberSchema,
  /** What saving it would change against the current revision. */
  diff: z.array(JsonChangeSchema),
});

/** GET /flows and GET /flows/{flowId}/revisions. */
export const FlowListQuerySchema = z
  .object({
    limit: z.coerce.number().int('limit must be a whole number').min(1).max(100).default(50),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .strict();

/** The audit pseudo-execution a flow's edits are chained under: `flow:<id>`. */
export function flowAuditExecutionId(flowId: string): string {
  return `flow:${flowId}`;
}

const AdminEnvSchema = z.object({
  HITL_ADMIN_GROUPS: groupListEnv('admins', 'admin'),
});

/** Who may save and deploy flows: HITL_ADMIN_GROUPS (comma-separated), `admins` when unset. Throws naming a bad value. */
export function adminGroupsFrom(env: Readonly<Record<string, string | undefined>>): string[] {
  return parseConfig(AdminEnvSchema, env, 'flow editor configuration').HITL_ADMIN_GROUPS;
}

/** Throws ForbiddenError unless `identity` is in one of the admin groups: only admins save or deploy flows. */
export function assertFlowAdmin(identity: Identity, adminGroups: readonly string[]): void {
  if (identity.groups.some((group) => adminGroups.includes(group))) return;
  throw new ForbiddenError(`only members of ${adminGroups.join(' or ')} may save or deploy flows`);
}

/** The summary line of a head. */
export function summaryOf(head: FlowHead): FlowSummary {
  return {
    flowId: head.flowId,
    name: head.name,
    channel: head.channel,
    currentRevision: head.currentRevision,
    deployedRevision: head.deployed?.revision ?? null,
    updatedAt: head.updatedAt,
    updatedBy: head.updatedBy,
    ...(head.deployed ? { deployedAt: head.deployed.deployedAt, deployedBy: head.deployed.deployedBy } : {}),
  };
}

/** A flow without its revision number, as revisions are compared. */
export function comparable(flow: Flow): Omit<Flow, 'revision'> {
  const { revision: _revision, ...rest } = flow;
  return rest;
}
