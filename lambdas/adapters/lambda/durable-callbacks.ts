import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { DurableCallbackError } from '#core/durable-completion';
import type { DurableCallbacks } from '#ports';

type LambdaSdk = typeof import('@aws-sdk/client-lambda');

/**
 * Durable callbacks over the Lambda API. On AWS the client is the function's own; locally it is
 * pointed (`endpoint`) at a server that speaks the same two operations for the durable SDK's local
 * runner (`serveLocalDurableCallbacks` in clients/agents). The SDK's errors keep Lambda's names
 * (`CallbackTimeoutException`, `ResourceNotFoundException`), which the delivery reads. The client and
 * the SDK's commands load on the first callback, not at every cold start.
 */
export class LambdaDurableCallbacks implements DurableCallbacks {
  constructor(
    private readonly lambda: () => Promise<Pick<LambdaClient, 'send'>>,
    private readonly sdk: () => Promise<Pick<LambdaSdk, 'SendDurableExecutionCallbackSuccessCommand' | 'SendDurableExecutionCallbackFailureCommand'>> = () => import('@aws-sdk/client-lambda'),
  ) {}

  async succeed(callbackId: string, result: string): Promise<void> {
    const [lambda, sdk] = await Promise.all([this.lambda(), this.sdk()]);
    await lambda.send(new sdk.SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: new TextEncoder().encode(result) }));
  }

  async fail(callbackId: string, error: DurableCallbackError): Promise<void> {
    const [lambda, sdk] = await Promise.all([this.lambda(), this.sdk()]);
    await lambda.send(
      new sdk.SendDurableExecutionCallbackFailureCommand({
        CallbackId: callbackId,
        Error: { ErrorType: error.errorType, ErrorMessage: error.errorMessage, ErrorData: error.errorData },
      }),
    );
  }
}
