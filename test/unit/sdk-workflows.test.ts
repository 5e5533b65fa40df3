import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SdkWorkflows } from '#adapters/stepfunctions/sdk-workflows';

describe('Step Functions through the AWS SDK', () => {
  afterEach(() => vi.restoreAllMocks());

  it('sends the decision as JSON output with the task token', async () => {
    const send = vi.spyOn(SFNClient.prototype, 'send').mockResolvedValue({} as never);
    await new SdkWorkflows({ region: 'us-east-1' }).sendTaskSuccess('token-1', { requestId: 'r', outcome: 'approved', approver: 'bob', scope: 'once' });
    const command = send.mock.calls[0]![0] as SendTaskSuccessCommand;
    expect(command).toBeInstanceOf(SendTaskSuccessCommand);
    expect(command.input).toEqual({ taskToken: 'token-1', output: '{"requestId":"r","outcome":"approved","approver":"bob","scope":"once"}' });
  });

  it('keeps the SDK error name, which the use cases read to tell a gone token from a throttle', async () => {
    vi.spyOn(SFNClient.prototype, 'send').mockRejectedValue(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    await expect(new SdkWorkflows({ region: 'us-east-1' }).sendTaskSuccess('t', {})).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('describes an execution with its input and output parsed', async () => {
    vi.spyOn(SFNClient.prototype, 'send').mockResolvedValue({ status: 'SUCCEEDED', input: '{"a":1}', output: '{"approval":{"outcome":"approved"}}' } as never);
    const described = await new SdkWorkflows({ region: 'us-east-1' }).describeExecution('arn:aws:states:us-east-1:1:execution:m:e');
    expect(described).toEqual({ executionArn: 'arn:aws:states:us-east-1:1:execution:m:e', status: 'SUCCEEDED', input: { a: 1 }, output: { approval: { outcome: 'approved' } } });
  });

  it('trims the error and cause of a task failure to the limits Step Functions accepts', async () => {
    const send = vi.spyOn(SFNClient.prototype, 'send').mockResolvedValue({} as never);
    await new SdkWorkflows({ region: 'us-east-1' }).sendTaskFailure('t', 'E'.repeat(300), 'c'.repeat(40_000));
    const input = (send.mock.calls[0]![0] as { input: { error: string; cause: string } }).input;
    expect(input.error).toHaveLength(256);
    expect(input.cause).toHaveLength(32_768);
  });
});
