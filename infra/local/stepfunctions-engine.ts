// aws-local-stepfunctions calls Promise.withResolvers (Node 22); the polyfill must load before it.
import './polyfills.ts';
import { randomUUID } from 'node:crypto';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import type { ExecutionDescription, WorkflowHistory, Workflows, WorkflowStepEvent } from '#ports';
import {
  assertExecutionArn,
  assertResourceName,
  executionArn as buildExecutionArn,
  stateMachineArn as buildStateMachineArn,
  stateMachineNameOf,
  type AwsScope,
} from './stepfunctions/arns.ts';
import { assertStateData, AwsError, ExecutionClosed, STATE_DATA_LIMIT_BYTES, TaskFailure } from './stepfunctions/errors.ts';
import { FunctionDirectory, type LocalFunction, type LocalFunctionOptions } from './stepfunctions/functions.ts';
import { MemoryHistoryLog, type HistoryLog } from './stepfunctions/execution-history.ts';
import { toJson, type JsonValue } from './stepfunctions/json.ts';
import { prepareDefinition, type TaskPlan } from './stepfunctions/prepare-definition.ts';
import { ResumeMachines, statesTimeout } from './stepfunctions/resume-machines.ts';
import { buildTaskHandlers, type TaskStartedInfo } from './stepfunctions/task-handlers.ts';
import { TaskTokens } from './stepfunctions/task-tokens.ts';
import { assertValidDefinition } from './stepfunctions/validate-definition.ts';

export type { LocalFunction, LocalFunctionOptions } from './stepfunctions/functions.ts';
export type { TaskStartedInfo } from './stepfunctions/task-handlers.ts';

export interface LocalStepFunctionsOptions {
  /** Lambda stand-ins by the name or ARN the definitions use (the values substituted for `${...}`). */
  readonly functions: Readonly<Record<string, LocalFunction>>;
  /** Defaults to 000000000000. */
  readonly accountId?: string;
  /** Defaults to us-east-1. */
  readonly region?: string;
  /** Called when a `.waitForTaskToken` task has its token, before its function runs. */
  readonly onTaskStarted?: (info: TaskStartedInfo) => void;
  /**
   * Let go of the interpreter of an execution that only waits for a task token, keeping it as data
   * (the paused state's input and the token) until SendTaskSuccess, SendTaskFailure, the task's
   * timeout or StopExecution; it then resumes from that state like a restarted server does. Tasks
   * inside Map and Parallel states, executions retried at the paused state, and definitions with an
   * execution-wide TimeoutSeconds keep their interpreter. @default true
   */
  readonly parkWaitingExecutions?: boolean;
  /** Called once an execution has been parked (see `parkWaitingExecutions`). */
  readonly onTaskParked?: (info: TaskStartedInfo) => void;
  /** How many finished executions stay describable; the oldest are forgotten first. Defaults to 10 000. */
  readonly maxFinishedExecutions?: number;
  /**
   * Wait this many milliseconds before every retry instead of what the Retry fields compute (tests:
   * a throttle retried for minutes on AWS is retried at once). Defaults to the definition's own.
   */
  readonly retryIntervalMs?: number;
  /** Where each execution's state-by-state history goes. Defaults to memory, for the newest 1,000 executions. */
  readonly history?: HistoryLog;
}

/** DescribeExecution's answer, with the fields AWS also returns for listing. */
export interface ExecutionInfo extends ExecutionDescription {
  readonly name: string;
  readonly stateMachineArn: string;
  readonly startDate: Date;
  readonly stopDate?: Date;
}

export interface ListExecutionsFilter {
  readonly status?: ExecutionDescription['status'];
  readonly stateMachineArn?: string;
}

type Outcome = Pick<ExecutionDescription, 'status' | 'output' | 'error' | 'cause'>;

interface RegisteredMachine {
  readonly arn: string;
  readonly name: string;
  readonly machine: StateMachine;
  readonly tasks: readonly TaskPlan[];
  readonly resumeMachines: ResumeMachines;
}

/** An execution whose interpreter is running. */
interface LiveRun {
  readonly registered: RegisteredMachine;
  abort: () => void;
  /** The top-level Task state being run: its raw input is the checkpoint a park keeps. */
  entered?: { readonly stateName: string; readonly input: unknown; retried: boolean };
}

/** An execution that waits on a task token with no interpreter: what resuming it needs, as data. */
interface ParkedRun {
  readonly registered: RegisteredMachine;
  readonly stateName: string;
  /** The paused state's input, as JSON text. */
  readonly checkpoint: string;
}

/** Where a resumed run starts and the outcome its first task already has. */
interface ResumePoint {
  readonly stateName: string;
  readonly checkpoint: string;
  readonly outcome: () => Promise<JsonValue>;
}

interface ExecutionRecord {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly startDate: Date;
  // As JSON text: a waiting execution is mostly its input, and text takes a fraction of the objects.
  readonly inputText: string;
  status: ExecutionDescription['status'];
  output?: JsonValue;
  error?: string;
  cause?: string;
  stopDate?: Date;
  live?: LiveRun;
  parked?: ParkedRun;
  waiters: Array<(info: ExecutionInfo) => void>;
}

type LibraryInput = Parameters<StateMachine['run']>[0];

/**
 * Step Functions in process: runs our real ASL definitions (JSONPath) on aws-local-stepfunctions
 * and adds what that library lacks: task tokens with SendTaskSuccess/SendTaskFailure, execution
 * bookkeeping and AWS error names. Implements the `Workflows` port like the AWS SDK adapter.
 */
export class LocalStepFunctions implements Workflows, WorkflowHistory {
  private readonly scope: AwsScope;
  private readonly functions: FunctionDirectory;
  private readonly tokens = new TaskTokens();
  private readonly machines = new Map<string, RegisteredMachine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  // Insertion order is finishing order, which makes evicting the oldest O(1).
  private readonly finished = new Set<string>();
  private readonly maxFinished: number;
  private readonly retryIntervalMs?: number;
  private readonly onTaskStarted?: (info: TaskStartedInfo) => void;
  private readonly history: HistoryLog;
  private readonly onTaskParked?: (info: TaskStartedInfo) => void;
  private readonly parkWaiting: boolean;
  private isShutDown = false;

  constructor(options: LocalStepFunctionsOptions) {
    this.scope = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '000000000000' };
    this.functions = new FunctionDirectory(options.functions);
    this.onTaskStarted = options.onTaskStarted;
    this.maxFinished = options.maxFinishedExecutions ?? 10_000;
    this.retryIntervalMs = options.retryIntervalMs;
    this.history = options.history ?? new MemoryHistoryLog();
    this.parkWaiting = options.parkWaitingExecutions ?? true;
    this.onTaskParked = options.onTaskParked;
  }

  /** Adds or replaces a Lambda stand-in, with its Lambda timeout; tasks that start afterwards use it. */
  registerFunction(reference: string, fn: LocalFunction, options: LocalFunctionOptions = {}): void {
    this.functions.register(reference, fn, options);
  }

  /**
   * Validates `definition` (asl-validator, ARNs and paths included) and makes it runnable under
   * `name`. Registering a name again replaces the definition for new executions; running ones keep
   * theirs. Throws InvalidName or InvalidDefinition.
   * @returns the state machine ARN, `arn:aws:states:<region>:<account>:stateMachine:<name>`.
   */
  registerStateMachine(name: string, definition: object): string {
    assertResourceName(name);
    assertValidDefinition(definition);
    const prepared = prepareDefinition(definition);
    // Validating costs ~70 ms (asl-validator compiles its schemas per call); the rewrite only adds
    // fields that validate, so checking the original once is enough.
    const machine = new StateMachine(prepared.definition, { validationOptions: { noValidate: true } });
    const arn = buildStateMachineArn(this.scope, name);
    this.machines.set(name, { arn, name, machine, tasks: prepared.tasks, resumeMachines: new ResumeMachines(prepared.definition) });
    return arn;
  }

  /**
   * Starts an execution and returns at once; it runs in the background. Like AWS for standard
   * workflows, starting a running execution's name again with the same input returns that execution,
   * and with another input (or once it has finished) throws ExecutionAlreadyExists.
   */
  async startExecution(stateMachineArn: string, input: unknown, name: string = randomUUID()): Promise<{ executionArn: string; startDate: Date }> {
    if (this.isShutDown) throw new AwsError('EngineShutDown', 'the local Step Functions engine was shut down');
    const machineName = stateMachineNameOf(this.scope, stateMachineArn);
    const registered = this.machines.get(machineName);
    if (!registered) throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    assertResourceName(name);
    const executionInput = toExecutionInput(input);
    const inputText = JSON.stringify(executionInput);
    assertApiData('input', inputText);
    const executionArn = buildExecutionArn(this.scope, machineName, name);

    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.inputText === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      name,
      stateMachineArn: registered.arn,
      startDate: new Date(),
      status: 'RUNNING',
      inputText,
      // Every field from the start, so the object keeps one compact shape as it changes.
      live: undefined,
      parked: undefined,
      waiters: [],
    };
    this.executions.set(executionArn, record);
    // Deferred so the first state (and the functions it calls) never runs inside the caller's call.
    queueMicrotask(() => this.run(record, registered));
    return { executionArn, startDate: record.startDate };
  }

  /**
   * Completes the `.waitForTaskToken` task waiting on `taskToken` with `output` as its result.
   * Throws InvalidToken, TaskDoesNotExist, TaskTimedOut (already completed, failed or timed out) or
   * InvalidOutput (not JSON-serialisable).
   */
  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    this.tokens.lookup(taskToken);
    let result: JsonValue;
    try {
      result = toJson(output);
    } catch (error) {
      throw new AwsError('InvalidOutput', `Invalid Output: ${(error as Error).message}`);
    }
    assertApiData('output', JSON.stringify(result));
    this.tokens.succeed(taskToken, result);
  }

  /**
   * Fails the task waiting on `taskToken` with `error` as the error name (what Retry and Catch match)
   * and `cause` as the cause. Throws like sendTaskSuccess for a token that is not waiting.
   */
  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    this.tokens.fail(taskToken, new TaskFailure(error, cause));
  }

  /** Throws InvalidArn or ExecutionDoesNotExist (never started, or forgotten beyond the retention cap). */
  async describeExecution(executionArn: string): Promise<ExecutionInfo> {
    return snapshot(this.record(executionArn));
  }

  /** The states the execution entered, exited and failed, oldest first. Throws like describeExecution for an execution with no kept history. */
  async executionHistory(executionArn: string): Promise<WorkflowStepEvent[]> {
    // A kept history outlives the engine's own record (a run from before a restart of the local stack).
    const kept = this.history.read(executionArn);
    if (kept.length === 0) this.record(executionArn);
    return kept;
  }

  /** Resolves with the description once the execution has ended; rejects with WaitTimeout after `timeoutMs`. */
  async waitForExecution(executionArn: string, timeoutMs?: number): Promise<ExecutionInfo> {
    const record = this.record(executionArn);
    if (record.status !== 'RUNNING') return snapshot(record);
    return new Promise<ExecutionInfo>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              record.waiters = record.waiters.filter((waiter) => waiter !== onEnd);
              reject(new AwsError('WaitTimeout', `${executionArn} still running after ${timeoutMs} ms`));
            }, timeoutMs);
      const onEnd = (info: ExecutionInfo): void => {
        clearTimeout(timer);
        resolve(info);
      };
      record.waiters.push(onEnd);
    });
  }

  /** Aborts a running execution (status ABORTED); a no-op for one that has already ended. */
  async stopExecution(executionArn: string, options: { error?: string; cause?: string } = {}): Promise<{ stopDate: Date }> {
    const record = this.record(executionArn);
    if (record.status === 'RUNNING') {
      const live = record.live;
      this.finish(record, { status: 'ABORTED', error: options.error, cause: options.cause });
      live?.abort();
    }
    return { stopDate: record.stopDate ?? new Date() };
  }

  /** Known executions, newest first. */
  async listExecutions(filter: ListExecutionsFilter = {}): Promise<ExecutionInfo[]> {
    return [...this.executions.values()]
      .filter((record) => filter.status === undefined || record.status === filter.status)
      .filter((record) => filter.stateMachineArn === undefined || record.stateMachineArn === filter.stateMachineArn)
      .reverse()
      .map(snapshot);
  }

  /** How many running executions are parked as data, with no interpreter (see `parkWaitingExecutions`). */
  get parkedCount(): number {
    let count = 0;
    for (const record of this.executions.values()) if (record.parked) count++;
    return count;
  }

  /** Aborts every running execution and refuses new ones; nothing is left pending. */
  async shutdown(): Promise<void> {
    this.isShutDown = true;
    for (const record of this.executions.values()) {
      if (record.status === 'RUNNING') await this.stopExecution(record.executionArn, { cause: 'local engine shut down' });
    }
  }

  /** Runs an execution from its start, or from a parked state with that state's outcome (`resumeAt`). */
  private run(record: ExecutionRecord, registered: RegisteredMachine, resumeAt?: ResumePoint): void {
    if (record.status !== 'RUNNING') return; // stopped before it began
    const tokenPlaceholder = `local-task-token-placeholder:${randomUUID()}`;
    const live: LiveRun = { registered, abort: () => undefined };
    let pending = resumeAt;
    const handlers = buildTaskHandlers(registered.tasks, {
      executionArn: record.executionArn,
      tokenPlaceholder,
      functions: this.functions,
      tokens: this.tokens,
      isRunning: () => record.status === 'RUNNING',
      onTaskStarted: this.onTaskStarted,
      // After the macrotask, the event log has caught up with the state the task belongs to.
      onTaskWaiting: (info) => setImmediate(() => this.park(record, live, info)),
      takeResumedOutcome: (stateName) => {
        if (pending?.stateName !== stateName) return undefined;
        const { outcome } = pending;
        pending = undefined;
        return outcome();
      },
    });
    try {
      const machine = resumeAt ? registered.resumeMachines.at(resumeAt.stateName) : registered.machine;
      const executionInput = JSON.parse(record.inputText) as LibraryInput;
      const input = resumeAt ? (JSON.parse(resumeAt.checkpoint) as LibraryInput) : executionInput;
      const run = machine.run(input, {
        overrides: {
          taskResourceLocalHandlers: handlers,
          ...(this.retryIntervalMs === undefined
            ? {}
            : { retryIntervalOverrides: Object.fromEntries(registered.tasks.map((task) => [task.stateName, this.retryIntervalMs!])) }),
        },
        noThrowOnAbort: true,
        context: {
          Execution: {
            Id: record.executionArn,
            Name: record.name,
            Input: executionInput,
            StartTime: record.startDate.toISOString(),
            RoleArn: `arn:aws:iam::${this.scope.accountId}:role/local-stepfunctions`,
          },
          StateMachine: { Id: registered.arn, Name: registered.name },
          Task: { Token: tokenPlaceholder },
        },
      });
      live.abort = run.abort;
      record.live = live;
      // Tasks check their own input and raw result; every state's output (a Task's after ResultPath and
      // OutputPath, a Map's or Parallel's collected results, states inside their iterations and
      // branches) is checked as it exits.
      const drained = drain(run.eventLogs, (event) => {
        if (record.live !== live) return; // parked or ended: a let-go interpreter's events change nothing
        const step = stepEventOf(event);
        if (step) this.history.append(record.executionArn, step);
        track(live, event);
        if (event.type !== 'StateExited') return;
        try {
          assertStateData(event.state.name, 'output', event.state.output);
        } catch (error) {
          const { name, message } = error as Error;
          run.abort();
          this.finish(record, { status: 'FAILED', error: name, cause: message });
        }
      });
      run.result.then(
        // The log may still hold the last states' exits: a state above the limit fails the execution first.
        (output) => void drained.then(() => record.live === live && this.finish(record, { status: 'SUCCEEDED', output: output as JsonValue })),
        (error: unknown) => record.live === live && this.finish(record, failureOf(error)),
      );
    } catch (error) {
      this.finish(record, failureOf(error));
    }
  }

  /**
   * Lets go of the interpreter of an execution whose top-level task only waits for its token. From
   * here on the token's outcome (or its timeout) resumes the execution at that state. Synchronous, so
   * a SendTaskSuccess lands either before (the interpreter gets it) or after (the resume gets it).
   */
  private park(record: ExecutionRecord, live: LiveRun, info: TaskStartedInfo): void {
    if (!this.parkWaiting || record.status !== 'RUNNING' || record.live !== live) return;
    const entered = live.entered;
    if (!entered || entered.stateName !== info.stateName || entered.retried) return;
    if (!live.registered.resumeMachines.parkable.has(info.stateName)) return;
    const checkpoint = JSON.stringify(entered.input);
    // Parked at the first state, the checkpoint is the input: keep one copy of the text.
    const parked: ParkedRun = { registered: live.registered, stateName: info.stateName, checkpoint: checkpoint === record.inputText ? record.inputText : checkpoint };
    const resume = (outcome: () => Promise<JsonValue>) => this.resume(record, parked, outcome);
    const interpreter = this.tokens.park(info.token, {
      resolve: (output) => resume(() => Promise.resolve(output)),
      reject: (error) => resume(() => Promise.reject(error)),
      timedOut: () => resume(() => statesTimeout().then((error) => Promise.reject(error))),
    });
    if (!interpreter) return; // the token was settled meanwhile: the interpreter has it
    record.live = undefined;
    record.parked = parked;
    live.abort();
    // Settling the task unwinds the aborted interpreter, which clears its timers and frees it.
    interpreter.reject(new ExecutionClosed(record.executionArn));
    void statesTimeout(); // ready before any parked task can time out
    try {
      this.onTaskParked?.(info);
    } catch {
      // An observer must not be able to break the execution it observes.
    }
  }

  private resume(record: ExecutionRecord, parked: ParkedRun, outcome: () => Promise<JsonValue>): void {
    if (record.status !== 'RUNNING' || record.parked !== parked) return;
    record.parked = undefined;
    const resumeAt: ResumePoint = { stateName: parked.stateName, checkpoint: parked.checkpoint, outcome };
    // Like a start: the next state never runs inside the SendTaskSuccess call that resumed it.
    queueMicrotask(() => this.run(record, parked.registered, resumeAt));
  }

  private finish(record: ExecutionRecord, outcome: Outcome): void {
    if (record.status !== 'RUNNING') return; // stopped: the library's late settlement changes nothing
    record.status = outcome.status;
    record.output = outcome.output as JsonValue | undefined;
    record.error = outcome.error;
    record.cause = outcome.cause;
    record.stopDate = new Date();
    record.live = undefined;
    record.parked = undefined;
    this.tokens.closeExecution(record.executionArn, new ExecutionClosed(record.executionArn));
    for (const waiter of record.waiters.splice(0)) waiter(snapshot(record));
    this.finished.add(record.executionArn);
    if (this.finished.size > this.maxFinished) {
      const [oldest] = this.finished;
      this.finished.delete(oldest);
      this.executions.delete(oldest);
    }
  }

  private record(executionArn: string): ExecutionRecord {
    assertExecutionArn(this.scope, executionArn);
    const record = this.executions.get(executionArn);
    if (!record) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }
}

function toExecutionInput(input: unknown): JsonValue {
  // StartExecution without input means "{}" in AWS.
  if (input === undefined) return {};
  try {
    return toJson(input);
  } catch (error) {
    throw new AwsError('InvalidExecutionInput', `Invalid Execution Input: ${(error as Error).message}`);
  }
}

/**
 * StartExecution's input and SendTaskSuccess's output are API strings of at most 256 KB: AWS refuses
 * a longer one with ValidationException before anything runs.
 */
function assertApiData(field: 'input' | 'output', text: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > STATE_DATA_LIMIT_BYTES) {
    throw new AwsError('ValidationException', `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${STATE_DATA_LIMIT_BYTES} (it is ${bytes} bytes)`);
  }
}

function failureOf(error: unknown): Outcome {
  if (error instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds.' };
  }
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (error instanceof ExecutionError && error.cause instanceof Error) {
    return { status: 'FAILED', error: error.cause.name, cause: error.cause.message };
  }
  return { status: 'FAILED', error: 'States.Runtime', cause: error instanceof Error ? error.message : String(error) };
}

function snapshot(record: ExecutionRecord): ExecutionInfo {
  return {
    executionArn: record.executionArn,
    name: record.name,
    stateMachineArn: record.stateMachineArn,
    status: record.status,
    startDate: new Date(record.startDate),
    input: JSON.parse(record.inputText) as JsonValue,
    ...(record.stopDate !== undefined ? { stopDate: new Date(record.stopDate) } : {}),
    ...(record.output !== undefined ? { output: structuredClone(record.output) } : {}),
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.cause !== undefined ? { cause: record.cause } : {}),
  };
}

type EventLog = Awaited<ReturnType<ReturnType<StateMachine['run']>['eventLogs']['next']>>['value'];
type LibraryEvent = Exclude<EventLog, void>;

/** Follows the top-level Task state being run, and whether an attempt of it has failed since it was entered. */
function track(live: LiveRun, event: LibraryEvent): void {
  if (!('state' in event) || event.state.type !== 'Task' || ('index' in event && event.index !== undefined)) return;
  const { name } = event.state;
  if (event.type === 'StateEntered') {
    live.entered = live.registered.resumeMachines.parkable.has(name) ? { stateName: name, input: event.state.input, retried: false } : undefined;
  } else if (live.entered && live.entered.stateName === name) {
    // A failed attempt has used up retries that a resumed copy would count from zero again.
    if (event.type === 'StateFailed' || event.type === 'StateRetried') live.entered.retried = true;
    else live.entered = undefined;
  }
}

// The library queues every event until someone reads them; reading keeps a long execution's memory flat.
/** Reads the library's event log, handing each event to `onEvent`; settles once the log closes. */
function drain(events: AsyncGenerator<LibraryEvent>, onEvent: (event: LibraryEvent) => void): Promise<void> {
  return (async () => {
    for await (const event of events) onEvent(event);
  })().catch(() => undefined);
}

/** A state entered, exited or failed, as the execution's history keeps it; other events are not steps. */
function stepEventOf(event: LibraryEvent): WorkflowStepEvent | undefined {
  if (!('state' in event) || ('index' in event && event.index !== undefined)) return undefined;
  const at = new Date(event.timestamp).toISOString();
  if (event.type === 'StateEntered') return { kind: 'entered', state: event.state.name, at, data: event.state.input };
  if (event.type === 'StateExited') return { kind: 'exited', state: event.state.name, at, data: event.state.output };
  if (event.type === 'StateFailed') {
    const cause = typeof event.Cause === 'string' ? event.Cause : event.Cause === undefined ? undefined : JSON.stringify(event.Cause);
    return { kind: 'failed', state: event.state.name, at, ...(event.Error ? { error: event.Error } : {}), ...(cause ? { cause } : {}) };
  }
  return undefined;
}
