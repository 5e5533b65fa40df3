import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { resumeDefinition } from '#statemachines/resume';
import type { AslDefinition } from '#statemachines/definitions';

/**
 * The copies of one prepared definition that start at a paused top-level state, the way a restarted
 * server resumes a flow (statemachines/resume.ts), built on first use and kept.
 */
export class ResumeMachines {
  /** The top-level states an execution can be parked at and resumed from. */
  readonly parkable: ReadonlySet<string>;
  private readonly byState = new Map<string, StateMachine>();

  constructor(private readonly definition: StateMachineDefinition) {
    // A resumed copy would restart the execution-wide timeout, so only machines without one park.
    this.parkable = definition.TimeoutSeconds === undefined ? new Set(Object.keys(definition.States)) : new Set();
  }

  /** The machine that starts at `stateName`. */
  at(stateName: string): StateMachine {
    let machine = this.byState.get(stateName);
    if (!machine) {
      const copy = resumeDefinition(this.definition as unknown as AslDefinition, stateName) as unknown as StateMachineDefinition;
      machine = new StateMachine(copy, { validationOptions: { noValidate: true } });
      this.byState.set(stateName, machine);
    }
    return machine;
  }
}

let statesTimeoutType: Promise<new () => Error> | undefined;

/**
 * A States.Timeout of the library's own error type. A resumed task that timed out while parked must
 * fail with it: the interpreter lets `States.Timeout` and `States.ALL` match it but not
 * `States.TaskFailed`, and it tells them apart only by that type, which the library does not export.
 * It is taken once from a one-state machine whose task times out after 1 ms.
 */
export async function statesTimeout(): Promise<Error> {
  statesTimeoutType ??= probeStatesTimeoutType();
  return new (await statesTimeoutType)();
}

async function probeStatesTimeoutType(): Promise<new () => Error> {
  const probe = new StateMachine(
    { StartAt: 'Probe', States: { Probe: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe', TimeoutSeconds: 0.001, End: true } } },
    { validationOptions: { noValidate: true } },
  );
  const run = probe.run({}, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => undefined) } } });
  try {
    await run.result;
  } catch (error) {
    const cause = error instanceof ExecutionError ? error.cause : undefined;
    if (cause instanceof Error && cause.name === 'States.Timeout') return cause.constructor as new () => Error;
  }
  throw new Error('aws-local-stepfunctions did not time out a task the way the local engine expects');
}
