import { SendDurableExecutionCallbackFailureCommand, SendDurableExecutionCallbackSuccessCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { DurableCallbackError } from '#core/durable-completion';
import type { DurableCallbacks } from '#ports';

/**
 * Durable callbacks over the Lambda API. On AWS the client is the function's own; locally it is
 * pointed (`endpoint`) at a server that speaks the same two operations for the durable SDK's local
 * runner (`serveLocalDurableCallbacks` in clients/agents). The SDK's errors keep Lambda's names
 * (`CallbackTimeoutException`, `ResourceNotFoundException`), which the delivery reads.
 */
export class LambdaDurableCallbacks implements DurableCallbacks {
  constructor(private readonly lambda: Pick<LambdaClient, 'send'>) {}

  async succeed(callbackId: string, result: string): Promise<void> {
    await this.lambda.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: new TextEncoder().encode(result) }));
  }

  async fail(callbackId: string, error: DurableCallbackError): Promise<void> {
    await this.lambda.send(
      new SendDurableExecutionCallbackFailureCommand({
        CallbackId: callbackId,
        Error: { ErrorType: error.errorType, ErrorMessage: error.errorMessage, ErrorData: error.errorData },
      }),
    );
  }
}

