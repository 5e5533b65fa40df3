import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CompositeNotifier } from '#adapters/notify/composite-notifier';
import type { Route } from '../../lambdas/handlers/api/routes.ts';
import type { AgentGates, AppDeps } from '../../lambdas/handlers/deps.ts';
import type { LocalStepFunctions } from './stepfunctions-engine.ts';
import type { ToolSchemaSlot } from '../../lambdas/tools/registry.ts';
import type { DashboardAssets } from '../../lambdas/channels/dashboard/dashboard-assets.ts';

/** What the local app hands each feature module when it starts. */
export interface LocalContext {
  readonly deps: AppDeps;
  readonly engine: LocalStepFunctions;
  /** Register in-process Lambda functions here, by the name the state machines invoke. */
  readonly functions: Record<string, (payload: unknown) => Promise<unknown>>;
  /** Add notification channels here. */
  readonly notifier: CompositeNotifier;
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The module that builds the tool registry hands it here, so approvers' edits are checked against every tool's schema. */
  readonly toolSchemas: ToolSchemaSlot;
  /** The local data folder; undefined when running in memory (tests). */
  readonly dataDir?: string;
  /** The dashboard's script and style, for the page at `/`. */
  dashboardAssets(): Promise<DashboardAssets>;
  /** The server's own base URL (known once it listens; read it lazily). */
  publicUrl(): string;
}

/** A feature of the local stack (flows, channels, ...): it registers functions, routes and channels. */
export interface LocalModule {
  readonly name: string;
  start(context: LocalContext): Promise<{ routes?: Route[]; stop?: () => Promise<void>; /** The named gates, for the MCP server's request_approval. */ agentGates?: AgentGates }>;
}
