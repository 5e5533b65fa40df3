import { RemovalPolicy } from 'aws-cdk-lib';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeRule } from './nag.ts';

export interface SlackChannelProps {
  /** What happens to the two secrets when the stack goes away. @default RemovalPolicy.RETAIN */
  readonly secretRemovalPolicy?: RemovalPolicy;
}

/**
 * The Slack channel's two secrets, which the operator fills after deploy: the Slack app's signing
 * secret, which verifies `POST /slack/interactions`, and the map of incoming webhooks the notifier
 * posts to. Neither value is known at deploy time, and neither may be a value anyone could guess.
 */
export class SlackChannel extends Construct {
  /**
   * Created without a value: until the operator puts the Slack app's signing secret into it, reading
   * it fails and every Slack interaction is refused (there is no known or empty key to sign with).
   */
  public readonly signingSecret: Secret;
  /** A JSON map `{"<workflow>[/<node>]" | "*": "https://hooks.slack.com/services/..."}`; starts as `{}` (post nowhere). */
  public readonly webhooksSecret: Secret;

  constructor(scope: Construct, id: string, props: SlackChannelProps = {}) {
    super(scope, id);
    const removalPolicy = props.secretRemovalPolicy ?? RemovalPolicy.RETAIN;

    this.signingSecret = new Secret(this, 'SigningSecret', {
      description: 'hitl-approvals: signing secret of the Slack app (Basic Information > App Credentials); put it with aws secretsmanager put-secret-value',
      removalPolicy,
    });
    // Secret generates a random value unless told otherwise, and CloudFormation refuses an empty
    // SecretString; with neither property the secret starts without any value, which the API
    // function cannot read, so nothing verifies against a placeholder.
    (this.signingSecret.node.defaultChild as CfnSecret).addPropertyDeletionOverride('GenerateSecretString');

    this.webhooksSecret = new Secret(this, 'WebhooksSecret', {
      description: 'hitl-approvals: Slack incoming webhooks by workflow, JSON {"<workflow>[/<node>]" or "*": "https://hooks.slack.com/services/..."}',
      secretObjectValue: {},
      removalPolicy,
    });

    const rotation =
      'Slack issues this value and rotates it in the Slack app settings; Secrets Manager cannot rotate it, so the operator puts the new value when Slack changes it.';
    acknowledgeRule(this.signingSecret, 'SMG4', rotation);
    acknowledgeRule(this.webhooksSecret, 'SMG4', rotation);
  }

  /** Sets `SLACK_SIGNING_SECRET_ARN` on `fn` (the API function) and lets it read the signing secret. */
  bindSigningSecret(fn: LambdaFunction): void {
    fn.addEnvironment('SLACK_SIGNING_SECRET_ARN', this.signingSecret.secretArn);
    this.signingSecret.grantRead(fn);
  }

  /** Sets `SLACK_WEBHOOKS_SECRET_ARN` on `fn` (the notifier) and lets it read the webhook map. */
  bindWebhooks(fn: LambdaFunction): void {
    fn.addEnvironment('SLACK_WEBHOOKS_SECRET_ARN', this.webhooksSecret.secretArn);
    this.webhooksSecret.grantRead(fn);
  }
}
