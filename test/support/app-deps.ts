import { DEFAULT_READ_ACCESS } from '#core/read-access';
import type { Notifier } from '#ports';
import type { AppDeps } from '../../lambdas/handlers/deps.ts';
import { recordOnlyNotifier } from '#adapters/notify/record-only-notifier';
import { LocalStepFunctions } from '#local/stepfunctions-engine';
import { ManualClock } from './fixtures.ts';
import type { LocalTable } from './local-table.ts';

const WAIT_FUNCTION = 'hand-out-task-token';

/** A one-state machine whose task waits on its token: what any gate looks like to SendTaskSuccess. */
const waitingTask = {
  StartAt: 'Wait',
  States: {
    Wait: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: WAIT_FUNCTION, Payload: { 'taskToken.$': '$$.Task.Token', 'id.$': '$.id' } },
      TimeoutSeconds: 3600,
      End: true,
    },
  },
};

/**
 * Use-case deps on a real dynalite table and the real local Step Functions engine. `pausedTask()`
 * starts a real execution that waits on its task token, for inputs whose decision must reach a workflow.
 */
export function depsOn(table: LocalTable, notifier: Notifier = recordOnlyNotifier) {
  const handedOut = new Map<string, (token: string) => void>();
  const engine = new LocalStepFunctions({
    functions: {
      [WAIT_FUNCTION]: async (payload) => {
        const { id, taskToken } = payload as { id: string; taskToken: string };
        handedOut.get(id)?.(taskToken);
        return {};
      },
    },
  });
  const stateMachineArn = engine.registerStateMachine('waiting-task', waitingTask);
  let started = 0;
  const pausedTask = async (): Promise<{ taskToken: string; executionArn: string }> => {
    const id = `task-${++started}`;
    const token = new Promise<string>((resolve) => handedOut.set(id, resolve));
    const { executionArn } = await engine.startExecution(stateMachineArn, { id });
    return { taskToken: await token, executionArn };
  };
  const clock = new ManualClock(new Date());
  const deps: AppDeps = { store: table.store, audit: table.audit, workflows: engine, notifier, clock, access: DEFAULT_READ_ACCESS };
  return { deps, engine, clock, pausedTask };
}
