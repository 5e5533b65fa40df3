import './polyfills.ts';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { LocalDirectory } from '#adapters/directory/local-directory';
import { AuditRepository } from '#adapters/dynamodb/audit-repository';
import { createDocumentClient } from '#adapters/dynamodb/client';
import { DelegationRepository } from '#adapters/dynamodb/delegation-repository';
import { PayloadRepository } from '#adapters/dynamodb/payload-repository';
import { RequestRepository } from '#adapters/dynamodb/request-repository';
import { StatsRepository } from '#adapters/dynamodb/stats-repository';
import { CompositeNotifier } from '#adapters/notify/composite-notifier';
import { recordOnlyNotifier } from '#adapters/notify/record-only-notifier';
import { readAccessFrom, type ReadAccess } from '#core/read-access';
import { fetchWebhookSender } from '#adapters/webhook/fetch-webhook-sender';
import { LambdaDurableCallbacks } from '#adapters/lambda/durable-callbacks';
import { onFirstUse } from '#adapters/aws/on-first-use';
import { systemClock, type Clock, type Notifier } from '#ports';
import { sweepExpired } from '#usecases/sweep-expired';
import { apiRoutes, createApiHandler } from '../../lambdas/handlers/api.ts';
import { functionForRequest } from '../../lambdas/handlers/api/route-functions.ts';
import type { Route } from '../../lambdas/handlers/api/routes.ts';
import { createDecisionHandler } from '../../lambdas/handlers/decisions.ts';
import type { AgentGates, AppDeps } from '../../lambdas/handlers/deps.ts';
import type { Directory } from '../../lambdas/channels/directory.ts';
import type { DashboardAssets } from '../../lambdas/channels/dashboard/dashboard-assets.ts';
import { createGateHandler } from '../../lambdas/handlers/gate.ts';
import { localSecret } from '../../lambdas/channels/secrets/local-secret.ts';
import { demoToolSchema } from '../../lambdas/tools/demo-tools.ts';
import { toolArgsValidator, ToolSchemaSlot } from '../../lambdas/tools/registry.ts';
import { loadDefinition, substitute } from '../../statemachines/definitions.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../function-timeouts.ts';
import { localDashboardAssets } from '../web/dashboard-build.ts';
import { localAuditKey } from './audit-key.ts';
import { DEFAULT_DURABLE_ENDPOINT, type DynamoThread, type LocalFault } from './config.ts';
import { ensureTable, startLocalDynamo } from './dynamodb.ts';
import { LOCAL_FLOW_FUNCTIONS } from './flows-module.ts';
import { DEFAULT_DIRECTORY_FILE } from './channels-module.ts';
import { startHttpServer } from './http-server.ts';
import type { LocalContext, LocalModule } from './module.ts';
import { localModules } from './modules.ts';
import { LocalStepFunctions } from './stepfunctions-engine.ts';
import { FileHistoryLog } from './stepfunctions/execution-history.ts';

export const LOCAL_TABLE_NAME = 'hitl-approvals';
export const LOCAL_GATE_FUNCTION = 'hitl-gate';
/** The local callback server checks no signature; these only satisfy the SDK. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Each local function's Lambda timeout, as CDK deploys it: one that runs longer fails its task as on AWS. */
const LOCAL_FUNCTION_TIMEOUT_SECONDS: Readonly<Record<string, number>> = {
  [LOCAL_GATE_FUNCTION]: FUNCTION_TIMEOUT_SECONDS.gate,
  [LOCAL_FLOW_FUNCTIONS.AgentFunctionArn]: FUNCTION_TIMEOUT_SECONDS['flow-agent'],
  [LOCAL_FLOW_FUNCTIONS.ToolFunctionArn]: FUNCTION_TIMEOUT_SECONDS['flow-tools'],
  [LOCAL_FLOW_FUNCTIONS.FlowGateFunctionArn]: FUNCTION_TIMEOUT_SECONDS['flow-gate'],
  [LOCAL_FLOW_FUNCTIONS.GateTimeoutFunctionArn]: FUNCTION_TIMEOUT_SECONDS['flow-gate-timeout'],
};

export interface LocalAppOptions {
  /** Where data lives across restarts; in memory when unset (tests). */
  readonly dataDir?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Where the local DynamoDB runs (see `DynamoThread`). @default 'worker' */
  readonly dynamoThread?: DynamoThread;
  /** How often the timeout sweeper runs; 0 turns the timer off (tests call `sweep()`). */
  readonly sweepIntervalMs?: number;
  /** Replaces every notification channel (tests); by default the modules' channels plus the history record. */
  readonly notifier?: Notifier;
  readonly clock?: Clock;
  /** Feature modules to start; all of them by default. */
  readonly modules?: LocalModule[];
  /** The URL links in emails point at; the server's own URL by default. */
  readonly publicUrl?: string;
  /** Who reads what. @default HITL_ADMIN_GROUPS and HITL_AUDITOR_GROUPS, else `admins` and `auditors` */
  readonly access?: ReadAccess;
  /** The audit chain's HMAC key; by default generated once into the data folder (random in memory). */
  readonly auditKey?: string;
  /** Where durable callbacks are completed (Lambda's API on this machine). @default DEFAULT_DURABLE_ENDPOINT */
  readonly durableEndpoint?: string;
  /** A fault injected on purpose, for fault tests (see `LocalFault`). */
  readonly fault?: LocalFault;
  /** The known users (delegates, delegators' groups). @default the JSON file in HITL_DIRECTORY_FILE, else config/directory.local.json */
  readonly directory?: Directory;
  /** The dashboard's script and style. @default built from `web/` on first use (`localDashboardAssets`) */
  readonly dashboardAssets?: () => Promise<DashboardAssets>;
}

export interface LocalApp {
  readonly url: string;
  readonly deps: AppDeps;
  readonly engine: LocalStepFunctions;
  readonly stateMachines: { readonly approvalGate: string };
  /** Every route the API serves (for contract tests). */
  readonly routes: Route[];
  sweep(): ReturnType<typeof sweepExpired>;
  close(): Promise<void>;
}

/**
 * The whole system on local engines: dynalite for DynamoDB (in its worker thread unless
 * `dynamoThread` says `main`), the ASL interpreter for Step Functions,
 * an HTTP server routing like API Gateway, and the sweeper on a timer. The handlers are the same
 * ones deployed to Lambda.
 */
export async function startLocalApp(options: LocalAppOptions = {}): Promise<LocalApp> {
  const dynamo = await startLocalDynamo({ thread: options.dynamoThread ?? 'worker', ...(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {}) });
  await ensureTable(dynamo.clientConfig, LOCAL_TABLE_NAME);
  const db = createDocumentClient(dynamo.clientConfig);
  const clock = options.clock ?? systemClock;

  // Few local runs complete a durable callback: the Lambda client loads on the first one.
  const durableLambda = onFirstUse(async () => {
    const { LambdaClient } = await import('@aws-sdk/client-lambda');
    return new LambdaClient({ endpoint: options.durableEndpoint ?? DEFAULT_DURABLE_ENDPOINT, region: 'local', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  });
  // With a data folder, execution histories live beside the table and survive a restart.
  const engine = new LocalStepFunctions({ functions: {}, ...(options.dataDir ? { history: new FileHistoryLog(join(options.dataDir, 'executions')) } : {}) });
  // Modules register functions by assigning to this record; each assignment reaches the engine.
  const functions = new Proxy({} as Record<string, (payload: unknown) => Promise<unknown>>, {
    set(target, name, fn) {
      target[String(name)] = fn;
      engine.registerFunction(String(name), fn, { timeoutSeconds: LOCAL_FUNCTION_TIMEOUT_SECONDS[String(name)] });
      return true;
    },
  });
  const channels = new CompositeNotifier([recordOnlyNotifier]);
  // The flows module builds the tools (shipped and saved); until it does, the demo tools' schemas answer.
  const toolSchemas = new ToolSchemaSlot(demoToolSchema);
  const stats = new StatsRepository(db, LOCAL_TABLE_NAME);
  const deps: AppDeps = {
    store: new RequestRepository(db, LOCAL_TABLE_NAME),
    audit: new AuditRepository(db, LOCAL_TABLE_NAME, {
      clock,
      key: localAuditKey({ ...(options.auditKey !== undefined ? { configured: options.auditKey } : {}), ...(options.dataDir ? { dataDir: options.dataDir } : {}) }),
    }),
    workflows: engine,
    notifier: options.notifier ?? channels,
    clock,
    stats,
    rollup: stats,
    toolArgs: toolArgsValidator((name) => toolSchemas.schemaOf(name)),
    access: options.access ?? readAccessFrom(process.env),
    // Decisions on agents' requests are signed with a key kept in the data folder (one per process in memory mode).
    webhooks: { sender: fetchWebhookSender, signingSecret: localSecret(options.dataDir ? join(options.dataDir, 'webhook-secret') : undefined) },
    // Durable functions run on the SDK's local runner; a server beside it speaks Lambda's callback API.
    durableCallbacks: new LambdaDurableCallbacks(durableLambda),
    delegations: new DelegationRepository(db, LOCAL_TABLE_NAME),
    payloads: new PayloadRepository(db, LOCAL_TABLE_NAME, clock),
    directory: options.directory ?? LocalDirectory.fromFile(process.env.HITL_DIRECTORY_FILE || DEFAULT_DIRECTORY_FILE),
  };
  // A missing or unreadable audit key stops the start, not the first gate.
  await deps.audit.key();
  if (options.fault === 'gate-stalls-after-create') stallGatesAfterCreate(deps);
  if (options.fault === 'gate-stalls-after-notice') stallFollowUpCompletions(deps);
  if (options.fault === 'decision-stalls-before-delivery') stallDecisionsBeforeDelivery(deps);
  if (options.fault === 'decision-entry-stalls') stallDecisionEntries(deps);
  const gate = createGateHandler(deps);
  functions[LOCAL_GATE_FUNCTION] = (payload) => gate(payload, {} as never);

  const approvalGate = engine.registerStateMachine(
    'approval-gate',
    substitute(loadDefinition('approval-gate'), { GateFunctionArn: LOCAL_GATE_FUNCTION }),
  );

  let serverUrl = '';
  const context: LocalContext = {
    toolSchemas,
    deps,
    engine,
    functions,
    notifier: channels,
    db,
    tableName: LOCAL_TABLE_NAME,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    dashboardAssets: options.dashboardAssets ?? localDashboardAssets,
    publicUrl: () => options.publicUrl ?? serverUrl,
  };
  const extraRoutes: Route[] = [];
  const stops: (() => Promise<void>)[] = [];
  let agentGates: AgentGates | undefined;
  for (const module of options.modules ?? localModules) {
    const started = await module.start(context);
    extraRoutes.push(...(started.routes ?? []));
    if (started.stop) stops.push(started.stop);
    agentGates ??= started.agentGates;
  }
  // The API's own routes (MCP's request_approval among them) ask the gates the gates module loaded.
  const apiDeps: AppDeps = agentGates ? { ...deps, agentGates } : deps;
  const api = createApiHandler(apiDeps, extraRoutes);
  // The decision path goes to its own handler, as API Gateway sends it to the decision function.
  const decisions = createDecisionHandler(apiDeps);
  const { server, url } = await startHttpServer(
    (event, lambdaContext) => (functionForRequest(event.httpMethod, event.path) === 'decisions' ? decisions : api)(event, lambdaContext as never),
    { port: options.port ?? 0 },
  );
  serverUrl = url;

  const sweep = () => sweepExpired(deps);
  let sweeping = false;
  const timer =
    options.sweepIntervalMs === 0
      ? undefined
      : setInterval(async () => {
          if (sweeping) return;
          sweeping = true;
          try {
            await sweep();
          } catch (error) {
            console.error('sweep failed', error);
          } finally {
            sweeping = false;
          }
        }, options.sweepIntervalMs ?? 5_000);
  timer?.unref();

  return {
    url,
    deps,
    engine,
    stateMachines: { approvalGate },
    routes: apiRoutes(apiDeps, extraRoutes),
    sweep,
    close: async () => {
      if (timer) clearInterval(timer);
      await closeServer(server);
      for (const stop of stops.reverse()) await stop();
      await engine.shutdown();
      db.destroy();
      await dynamo.close();
    },
  };
}

/**
 * Every gate stops for good right after its request is written, as if the process died there: the
 * request exists, its follow-ups are owed and none is done. Fault tests then kill the process.
 */
function stallGatesAfterCreate(deps: AppDeps): void {
  const create = deps.store.create.bind(deps.store);
  deps.store.create = async (...args) => {
    const result = await create(...args);
    if (result.created) await new Promise<never>(() => undefined);
    return result;
  };
}

/**
 * Marking follow-ups done never returns: a gate stops after its notice went out and its audit entry
 * is stored, before the write that notes the notice and marks both done. Fault tests then kill the process.
 */
function stallFollowUpCompletions(deps: AppDeps): void {
  deps.store.completeFollowUps = () => new Promise<never>(() => undefined);
}

/**
 * Every decision stops for good right after its write (which owes the delivery and holds its lease),
 * before the workflow, webhook or durable function has it. Fault tests then kill the process.
 */
function stallDecisionsBeforeDelivery(deps: AppDeps): void {
  const transition = deps.store.transition.bind(deps.store);
  deps.store.transition = async (previous, next, ...rest) => {
    const result = await transition(previous, next, ...rest);
    if (next.decision && !previous.decision) await new Promise<never>(() => undefined);
    return result;
  };
}

/**
 * Storing a decision's audit entry never returns, so a responder stops after SendTaskSuccess and before
 * its entry, count and delivered mark. Fault tests then kill the process.
 */
function stallDecisionEntries(deps: AppDeps): void {
  const appendSealed = deps.audit.appendSealed.bind(deps.audit);
  deps.audit.appendSealed = async (entry) => (entry.kind === 'decision' ? new Promise<never>(() => undefined) : appendSealed(entry));
  const sendTaskSuccess = deps.workflows.sendTaskSuccess.bind(deps.workflows);
  deps.workflows.sendTaskSuccess = async (...args) => {
    await sendTaskSuccess(...args);
    console.log('faults: SendTaskSuccess accepted');
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections?.();
  return new Promise((resolve) => server.close(() => resolve()));
}
