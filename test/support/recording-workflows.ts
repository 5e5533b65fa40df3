import type { ExecutionDescription, Workflows } from '#ports';

/**
 * A Workflows stand-in for use-case unit tests: records what was sent, and can be told to fail.
 * Integration tests use the real local Step Functions engine instead.
 */
export class RecordingWorkflows implements Workflows {
  readonly delivered: { token: string; output: unknown }[] = [];
  failWith?: string;

  async startExecution(): Promise<{ executionArn: string }> {
    return { executionArn: 'arn:aws:states:local:000000000000:execution:test:1' };
  }
  async sendTaskSuccess(token: string, output: unknown): Promise<void> {
    if (this.failWith) throw Object.assign(new Error(this.failWith), { name: this.failWith });
    this.delivered.push({ token, output });
  }
  async sendTaskFailure(): Promise<void> {}
  async describeExecution(executionArn: string): Promise<ExecutionDescription> {
    return { executionArn, status: 'RUNNING' };
  }
}
