import { RemovalPolicy } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeRule } from './nag.ts';

export interface WebhookSigningProps {
  /** @default RemovalPolicy.RETAIN */
  readonly secretRemovalPolicy?: RemovalPolicy;
}

/**
 * The key that signs decisions POSTed to agents' webhooks (HMAC-SHA256 over timestamp and body).
 * Receivers read the same secret to verify a delivery; only the functions that deliver may read it.
 */
export class WebhookSigning extends Construct {
  public readonly secret: Secret;

  constructor(scope: Construct, id: string, props: WebhookSigningProps = {}) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'hitl-approvals: HMAC key that signs decisions delivered to webhooks',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.secretRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    acknowledgeRule(
      this.secret,
      'SMG4',
      'Webhook receivers verify deliveries with this key; rotating it breaks every receiver until they read the new one, so it is rotated deliberately (update the secret) rather than on a schedule.',
    );
  }

  /** Sets `WEBHOOK_SECRET_ARN` on `fn` and lets it read the secret (the API and the sweeper deliver decisions). */
  bindSigner(fn: LambdaFunction): void {
    fn.addEnvironment('WEBHOOK_SECRET_ARN', this.secret.secretArn);
    this.secret.grantRead(fn);
  }
}
