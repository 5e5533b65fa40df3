import { join } from 'node:path';
import { ExecutionRepository } from '#adapters/dynamodb/execution-repository';
import { FlowRepository } from '#adapters/dynamodb/flow-repository';
import { ToolRunRepository } from '#adapters/dynamodb/tool-run-repository';
import { PayloadRepository } from '#adapters/dynamodb/payload-repository';
import type { MailSender } from '#adapters/mail/mail-sender';
import { MemoryMailSender } from '#adapters/mail/memory-mail-sender';
import { OutboxMailSender } from '#adapters/mail/outbox-mail-sender';
import { aslProblems } from '#adapters/stepfunctions/asl-validator-check';
import type { Flow, FlowInput } from '#core/flow';
import type { ExecutionRecord } from '#core/flow-execution';
import { adminGroupsFrom, type FlowHead } from '#core/flow-revision';
import { policyChecker } from '#core/policy-checker';
import { withPolicyChecks } from '#core/policy-checks';
import type { Workflows } from '#ports';
import { publishRevision } from '#usecases/deploy-flow';
import type { FlowDeployer, FlowStore } from '#usecases/flow-editor-ports';
import type { DeployedFlow } from '#usecases/flow-ports';
import { planResume } from '#usecases/plan-resume';
import { seedShippedFlows, SHIPPED_BY } from '#usecases/seed-flows';
import { recordExecutionEnd } from '#usecases/record-execution-end';
import { scriptedModels, type AgentModels } from '../../lambdas/agents/models.ts';
import { createAgentStepHandler } from '../../lambdas/handlers/flows/agent-step.ts';
import type { FlowDeps } from '../../lambdas/handlers/flows/deps.ts';
import { createFlowGateHandler } from '../../lambdas/handlers/flows/flow-gate.ts';
import { flowEditorRoutes, type FlowEditorDeps } from '../../lambdas/handlers/flows/editor-routes.ts';
import { createGateTimeoutHandler } from '../../lambdas/handlers/flows/gate-timeout.ts';
import { executionRoutes } from '../../lambdas/handlers/flows/routes.ts';
import { createToolStepHandler } from '../../lambdas/handlers/flows/tool-step.ts';
import { ToolRepository } from '#adapters/dynamodb/tool-repository';
import { toolRoutes } from '../../lambdas/handlers/tools/tool-routes.ts';
import { toolFromSpec } from '../../lambdas/tools/data-tool.ts';
import { createDemoTools, toolDeps } from '../../lambdas/tools/demo-tools.ts';
import { shippedToolSpecs } from '../../lambdas/tools/tool-files.ts';
import { mcpToolReader } from '../../lambdas/tools/mcp-tool-reader.ts';
import { describeMcpTool, SdkMcpCaller } from '../../lambdas/tools/mcp-tool.ts';
import { StaticToolSecrets, type ToolSecrets } from '../../lambdas/tools/tool-secrets.ts';
import type { RefundLedger } from '../../lambdas/tools/refund.ts';
import { compileFlow, type FlowSubstitutions } from '../../statemachines/compiler.ts';
import { LocalFlowCatalog } from '../../statemachines/flow-catalog.ts';
import { FLOWS_DIR, loadFlowFiles, parseFlow } from '../../statemachines/flows.ts';
import { localFaultsFrom, withMailFaults, withPayloadFaults } from './faults.ts';
import { reloadFlowFile, watchFlowFiles } from './flow-files-watch.ts';
import type { LocalContext, LocalModule } from './module.ts';

/** The in-process functions the compiled flows call, by the value substituted for each placeholder. */
export const LOCAL_FLOW_FUNCTIONS = {
  AgentFunctionArn: 'hitl-flow-agent',
  ToolFunctionArn: 'hitl-flow-tool',
  FlowGateFunctionArn: 'hitl-flow-gate',
  GateTimeoutFunctionArn: 'hitl-flow-gate-timeout',
} as const satisfies FlowSubstitutions;

/** Who emails come from locally. */
export const LOCAL_MAIL_FROM = 'support-agent@hitl.local';

export interface FlowsModuleOptions {
  /** The flows to deploy; the files in `flowsDir` by default. */
  readonly flows?: readonly FlowInput[];
  /** Where the flow files are: statemachines/flows/ by default. */
  readonly flowsDir?: string;
  /**
   * Reload a flow file when it is created or changed, without a restart (see watchFlowFiles).
   * @default true when the flows come from `flowsDir`
   */
  readonly watchFlows?: boolean;
  /** Where send_email writes its `.eml` files: `<dataDir>/outbox` by default; kept in memory without a data folder. */
  readonly outboxDir?: string;
  /** Replaces the outbox (tests). */
  readonly mail?: MailSender;
  /** Where the refund tool writes refunds; in memory by default. */
  readonly refunds?: RefundLedger;
  /** The secrets tools name by reference: `<dataDir>/tool-secrets.json` (`{"<name>": "<value>"}`) by default. */
  readonly toolSecrets?: ToolSecrets;
  readonly models?: AgentModels;
  /** How long start-up waits for resumed executions to reach their gates again. */
  readonly resumeWaitMs?: number;
  /** Who may save and deploy flows. @default the local app's admin groups (HITL_ADMIN_GROUPS, else `admins`) */
  readonly adminGroups?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

const MAX_RESUMED = 1000;

/**
 * Flows in local mode: binds the flow functions in process, keeps every flow's revisions in the table
 * (the shipped files seed revision 1), deploys each flow's deployed revision as a versioned state
 * machine on the local engine, serves the executions and flow editor APIs, records each execution's
 * end, and on start resumes the executions a previous run of the server left running, each on the
 * revision it started on (see docs/flows.md).
 */
export function createFlowsModule(options: FlowsModuleOptions = {}): LocalModule {
  return {
    name: 'flows',
    async start(ctx) {
      const mail = withMailFaults(options.mail ?? mailSenderFor(ctx, options.outboxDir), localFaultsFrom(options.env ?? process.env));
      const toolStore = new ToolRepository(ctx.db, ctx.tableName);
      const secrets = options.toolSecrets ?? (ctx.dataDir ? StaticToolSecrets.fromFile(join(ctx.dataDir, 'tool-secrets.json')) : new StaticToolSecrets());
      const toolsDeps = { mail, secrets, mcp: new SdkMcpCaller(), ...(options.refunds ? { refunds: options.refunds } : {}) };
      const tools = createDemoTools({ ...toolsDeps, saved: (await toolStore.list()).map((stored) => stored.spec) });
      ctx.toolSchemas.use(tools);
      const runnable = toolDeps(toolsDeps);
      const executions = new ExecutionRepository(ctx.db, ctx.tableName);
      const catalog = new LocalFlowCatalog((name, definition) => ctx.engine.registerStateMachine(name, definition), LOCAL_FLOW_FUNCTIONS, {
        validate: aslProblems,
      });
      const watcher = new EndWatcher(ctx, executions);
      const deps: FlowDeps = {
        ...ctx.deps,
        workflows: watcher.watching(ctx.engine),
        executions,
        toolRuns: new ToolRunRepository(ctx.db, ctx.tableName),
        payloads: withPayloadFaults(ctx.deps.payloads ?? new PayloadRepository(ctx.db, ctx.tableName, ctx.deps.clock), localFaultsFrom(options.env ?? process.env)),
        tools,
        models: options.models ?? scriptedModels,
        catalog,
      };
      const gates = new GateArrivals();
      bindFunctions(ctx, deps, gates);

      const flowsDir = options.flowsDir ?? FLOWS_DIR;
      const flows = options.flows ? withPolicyChecks(policyChecker, () => options.flows!.map((flow) => parseFlow(flow, tools.names))) : loadFlowFiles(tools.names, flowsDir);
      const shippedSpecs = shippedToolSpecs();
      const editor: FlowEditorDeps = {
        flows: new FlowRepository(ctx.db, ctx.tableName),
        mcpTools: mcpToolReader({ specOf: async (name) => (await toolStore.get(name))?.spec ?? shippedSpecs.find((spec) => spec.name === name) }),
        deployer: catalog,
        audit: ctx.deps.audit,
        clock: ctx.deps.clock,
        knownTools: tools.names,
        adminGroups: options.adminGroups ?? (options.env ? adminGroupsFrom(options.env) : ctx.deps.access.adminGroups),
      };
      await deployStoredFlows(editor, catalog, flows);

      await resumeRunning({ ctx, deps, catalog, flowStore: editor.flows, knownTools: tools.names, watcher, gates, waitMs: options.resumeWaitMs ?? 10_000 });
      const toolApi = toolRoutes({
        toolStore,
        registry: tools,
        build: (spec) => toolFromSpec(runnable, spec),
        describeMcp: describeMcpTool,
        shipped: shippedSpecs.map((spec) => spec.name),
        shippedSpecs,
        audit: ctx.deps.audit,
        clock: ctx.deps.clock,
        adminGroups: editor.adminGroups,
      });
      const files = (options.watchFlows ?? !options.flows) ? watchFlowFiles(flowsDir, (path) => reloadFlowFile(editor, catalog, path)) : undefined;
      return {
        routes: [...executionRoutes({ ...deps, history: ctx.engine, flows: editor.flows }), ...flowEditorRoutes(editor), ...toolApi],
        stop: async () => {
          files?.close();
          await watcher.stop();
        },
      };
    },
  };
}

/** The flows module with the shipped flows, as `npm start` runs it: it reloads a flow file that is added or changed. */
export const flowsModule = createFlowsModule();

/**
 * Seeds the shipped flow files as revisions, then puts every stored flow's deployed revision on the
 * local engine: from the definition stored when it was deployed, so a restart runs what was deployed.
 * A flow with no deployment yet (just seeded), or whose newer file revision nobody has deployed over
 * (see followsItsFile), has its current revision deployed.
 */
async function deployStoredFlows(editor: FlowEditorDeps, catalog: LocalFlowCatalog, shipped: readonly Flow[]): Promise<void> {
  for (const outcome of await seedShippedFlows(editor, shipped)) {
    if (outcome.action === 'file_changed') {
      console.warn(`flows: statemachines/flows/${outcome.flowId}.json changed, but the flow has revisions edited or deployed since; revision ${outcome.revision} stays current`);
    }
  }
  let cursor: string | undefined;
  do {
    const page = await editor.flows.listHeads({ limit: 100, cursor });
    for (const head of page.items) {
      try {
        const deployed = (await followsItsFile(editor.flows, head)) ? undefined : head.deployed;
        const definition = deployed && (await editor.flows.definitionOf(head.flowId, deployed.revision));
        if (deployed && definition) {
          await catalog.publish({ flowId: head.flowId, revision: deployed.revision, channel: deployed.channel, definition, description: `revision ${deployed.revision}` });
        } else {
          // The engine validates every definition it registers: start-up does not check twice.
          const deployer: FlowDeployer = { validate: async () => [], publish: (release) => catalog.publish(release) };
          await publishRevision({ ...editor, deployer }, { flowId: head.flowId, revision: deployed?.revision ?? head.currentRevision, actor: SHIPPED_BY });
        }
      } catch (error) {
        console.error(`flows: could not deploy flow ${head.flowId}: ${(error as Error)?.message ?? String(error)}`);
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
}

/**
 * Whether the flow's current revision came from its file after the deployed one, and nobody but
 * start-up ever deployed it: a file changed while the server was stopped (or a reload stopped between
 * storing and deploying it), which start-up deploys, as it would have deployed a new file.
 */
async function followsItsFile(flows: FlowStore, head: FlowHead): Promise<boolean> {
  const deployed = head.deployed;
  if (!deployed || deployed.deployedBy !== SHIPPED_BY || deployed.revision >= head.currentRevision) return false;
  return (await flows.getRevision(head.flowId, head.currentRevision))?.source === 'shipped';
}

/** send_email's outbox: one `.eml` file per message, or a list in memory when nothing is kept on disk. */
function mailSenderFor(ctx: LocalContext, outboxDir: string | undefined): MailSender {
  const folder = outboxDir ?? (ctx.dataDir ? join(ctx.dataDir, 'outbox') : undefined);
  return folder ? new OutboxMailSender(folder, LOCAL_MAIL_FROM) : new MemoryMailSender(LOCAL_MAIL_FROM);
}

function bindFunctions(ctx: LocalContext, deps: FlowDeps, gates: GateArrivals): void {
  const agent = createAgentStepHandler(deps);
  const tool = createToolStepHandler(deps);
  const gate = createFlowGateHandler(deps);
  const timeout = createGateTimeoutHandler(deps);
  const lambdaContext = {} as never;
  const functions: Record<keyof typeof LOCAL_FLOW_FUNCTIONS, (payload: unknown) => Promise<unknown>> = {
    AgentFunctionArn: (payload) => agent(payload, lambdaContext),
    ToolFunctionArn: (payload) => tool(payload, lambdaContext),
    FlowGateFunctionArn: async (payload) => {
      const outcome = await gate(payload, lambdaContext);
      gates.arrived(outcome.requestId);
      return outcome;
    },
    GateTimeoutFunctionArn: (payload) => timeout(payload, lambdaContext),
  };
  for (const [key, fn] of Object.entries(functions) as [keyof typeof LOCAL_FLOW_FUNCTIONS, (payload: unknown) => Promise<unknown>][]) {
    ctx.functions[LOCAL_FLOW_FUNCTIONS[key]] = fn;
  }
}

/**
 * Records each execution's end in its record as soon as the local engine reports it. Aborts caused by
 * the server shutting down are not ends: those executions stay RUNNING and resume at the next start.
 */
class EndWatcher {
  private stopping = false;

  constructor(
    private readonly ctx: LocalContext,
    private readonly executions: ExecutionRepository,
  ) {}

  /** The engine as the use cases see it, with every started execution watched. */
  watching(engine: LocalContext['engine']): Workflows {
    return {
      startExecution: async (arn, input, name) => {
        const started = await engine.startExecution(arn, input, name);
        this.watch(name ?? started.executionArn.split(':').at(-1)!, started.executionArn);
        return started;
      },
      sendTaskSuccess: (token, output) => engine.sendTaskSuccess(token, output),
      sendTaskFailure: (token, error, cause) => engine.sendTaskFailure(token, error, cause),
      describeExecution: (arn) => engine.describeExecution(arn),
    };
  }

  watch(executionId: string, runArn: string): void {
    void this.ctx.engine
      .waitForExecution(runArn)
      .then(async (info) => {
        if (this.stopping && info.status === 'ABORTED') return;
        await recordExecutionEnd({ executions: this.executions, clock: this.ctx.deps.clock }, executionId, info);
      })
      .catch((error: unknown) => {
        if (!this.stopping) console.error(`flows: could not record the end of execution ${executionId}`, error);
      });
  }

  /**
   * Called before the engine shuts down. Waiting for the watchers here would wait for executions
   * that only end when the engine aborts them; after this their aborts are simply not recorded.
   */
  async stop(): Promise<void> {
    this.stopping = true;
  }
}

/** Lets start-up wait until resumed executions have re-run their gates (and so refreshed their task tokens). */
class GateArrivals {
  private readonly waiting = new Map<string, () => void>();

  expect(requestId: string): Promise<void> {
    return new Promise((resolve) => this.waiting.set(requestId, resolve));
  }

  arrived(requestId: string): void {
    this.waiting.get(requestId)?.();
    this.waiting.delete(requestId);
  }
}

interface ResumeContext {
  readonly ctx: LocalContext;
  readonly deps: FlowDeps;
  readonly catalog: LocalFlowCatalog;
  readonly flowStore: FlowStore;
  readonly knownTools: readonly string[];
  readonly watcher: EndWatcher;
  readonly gates: GateArrivals;
  readonly waitMs: number;
}

/**
 * Picks up every execution the previous server left running: from its newest gate's checkpoint (a
 * copy of the machine whose StartAt is that gate, under the same execution name, so the gate finds
 * its request and takes the new task token), or from its input if it never reached a gate. Start-up
 * waits until the resumed gates have their new tokens, so a decision sent right after start reaches
 * the waiting execution instead of a token of the old server.
 */
async function resumeRunning(resume: ResumeContext): Promise<void> {
  const running = await resume.deps.executions.listRunning(MAX_RESUMED);
  const arrivals: Promise<void>[] = [];
  for (const record of running) {
    try {
      const arrival = await resumeOne(resume, record);
      if (arrival) arrivals.push(arrival);
    } catch (error) {
      await fail(resume, record, 'Hitl.ResumeFailed', `the local engine could not resume this execution after a restart: ${(error as Error)?.message ?? String(error)}`);
    }
  }
  if (running.length > 0) console.info(`flows: resumed ${running.length} execution(s) left running by the previous local server`);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(arrivals), new Promise((resolve) => (timer = setTimeout(resolve, resume.waitMs)))]);
  clearTimeout(timer);
}

async function resumeOne(resume: ResumeContext, record: ExecutionRecord): Promise<Promise<void> | undefined> {
  const deployed = await startedRevision(resume, record);
  if (!deployed) {
    await fail(resume, record, 'Hitl.FlowChanged', `flow ${record.flowId} revision ${record.revision} is no longer stored, so this execution cannot resume`);
    return undefined;
  }
  const plan = await planResume(resume.deps, record);
  if (plan.from === 'nowhere') {
    await fail(resume, record, 'Hitl.NotResumed', plan.cause);
    return undefined;
  }
  const arn = plan.from === 'checkpoint' ? resume.catalog.resumeArn(record.flowId, record.revision, plan.stateName) : deployed.stateMachineArn;
  const gateBack = plan.from === 'checkpoint' ? resume.gates.expect(plan.requestId) : undefined;
  const { executionArn } = await resume.ctx.engine.startExecution(arn, plan.state, record.executionId);
  // A run that fails before its gate never arrives there: its end releases start-up too.
  const arrival = gateBack && Promise.race([gateBack, resume.ctx.engine.waitForExecution(executionArn).then(() => undefined)]);
  await resume.deps.executions.recordRun(record.executionId, {
    at: resume.deps.clock.now().toISOString(),
    from: plan.from === 'checkpoint' ? plan.stateName : 'input',
    runArn: executionArn,
  });
  resume.watcher.watch(record.executionId, executionArn);
  return arrival;
}

/**
 * The machine of the revision an execution started on, whatever is deployed now: registered already,
 * or registered again from the definition stored when that revision was deployed (compiled from the
 * stored revision if none was kept).
 */
async function startedRevision(resume: ResumeContext, record: ExecutionRecord): Promise<DeployedFlow | undefined> {
  const known = resume.catalog.version(record.flowId, record.revision);
  if (known) return known;
  let definition = await resume.flowStore.definitionOf(record.flowId, record.revision);
  if (!definition) {
    const stored = await resume.flowStore.getRevision(record.flowId, record.revision);
    if (!stored) return undefined;
    definition = compileFlow(parseFlow(stored.flow, resume.knownTools));
  }
  return resume.catalog.ensureVersion(record.flowId, record.revision, record.channel, definition);
}

async function fail(resume: ResumeContext, record: ExecutionRecord, error: string, cause: string): Promise<void> {
  await resume.deps.executions.markEnded(record.executionId, { status: 'FAILED', at: resume.deps.clock.now().toISOString(), error, cause });
}
