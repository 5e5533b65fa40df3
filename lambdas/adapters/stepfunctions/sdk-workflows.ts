import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  type SFNClientConfig,
} from '@aws-sdk/client-sfn';
import type { ExecutionDescription, WorkflowHistory, Workflows, WorkflowStepEvent } from '#ports';
import { stepEventsOf } from './history-events.ts';

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Step Functions through the AWS SDK. Its errors keep the SDK's names (TaskTimedOut, TaskDoesNotExist,
 * InvalidToken, ThrottlingException), which the use cases read.
 */
export class SdkWorkflows implements Workflows, WorkflowHistory {
  private readonly client: SFNClient;

  constructor(config: SFNClientConfig = {}) {
    this.client = new SFNClient({ maxAttempts: 3, ...config });
  }

  async startExecution(stateMachineArn: string, input: unknown, name?: string) {
    const result = await this.client.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }));
    return { executionArn: result.executionArn! };
  }

  async sendTaskSuccess(taskToken: string, output: unknown): Promise<void> {
    await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void> {
    await this.client.send(new SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), cause: cause.slice(0, 32_768) }));
  }

  async describeExecution(executionArn: string): Promise<ExecutionDescription> {
    const result = await this.client.send(new DescribeExecutionCommand({ executionArn }));
    return {
      executionArn,
      status: result.status as ExecutionDescription['status'],
      input: parseJson(result.input),
      output: parseJson(result.output),
      ...(result.error ? { error: result.error } : {}),
      ...(result.cause ? { cause: result.cause } : {}),
    };
  }

  /** Every page of GetExecutionHistory, with state input and output (each at most 256 KB). */
  async executionHistory(executionArn: string): Promise<WorkflowStepEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: true, maxResults: 1000, nextToken }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return stepEventsOf(events);
  }
}
