import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { EmailIdentity, Identity, type IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { ApprovalsTable } from './approvals-table.ts';
import { entryOf, HitlFunction, type HandlerSource, type HitlFunctionProps } from './hitl-function.ts';
import { acknowledgeRule, acknowledgeWildcardResource, XRAY_WILDCARD_REASON } from './nag.ts';
import { assertNoProblems, emailProblems, isKnown } from './prop-checks.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../function-timeouts.ts';

export interface NotificationsProps extends Pick<HitlFunctionProps, 'logRetention' | 'logRemovalPolicy' | 'logLevel' | 'logEncryptionKey' | 'network'> {
  readonly table: ApprovalsTable;
  /** The From address of approver emails; SES sends a verification email to it on deploy. */
  readonly senderEmail: string;
  /** Where the handler comes from. @default REPO_HANDLERS */
  readonly handlers?: HandlerSource;
  /**
   * Send as an SES identity that already exists in the region instead of creating one: `true` for
   * the identity of `senderEmail` itself, or the name of a verified domain identity that covers it
   * (`acme.com` for `approvals@acme.com`). CloudFormation cannot create an identity that exists.
   * @default - a new email identity for `senderEmail`
   */
  readonly reuseSenderIdentity?: boolean | string;
  /** What happens to the link-signing secret when the stack goes away. @default RemovalPolicy.RETAIN */
  readonly secretRemovalPolicy?: RemovalPolicy;
}

/**
 * Telling approvers: the SES identity of the sender address, the secret that signs email decision
 * links, and the notifier function, the only one allowed to send email (as that sender only).
 */
export class Notifications extends Construct {
  public readonly senderEmail: string;
  /** The sender's SES identity: created by this construct, or the existing one it reuses. */
  public readonly identity: IEmailIdentity;
  /** Whether `identity` existed before this construct (`reuseSenderIdentity`). */
  public readonly reusesIdentity: boolean;
  /** A generated 64-character key that signs and verifies decision links. */
  public readonly linkSecret: Secret;
  public readonly notifier: HitlFunction;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const reused = props.reuseSenderIdentity === true ? props.senderEmail : props.reuseSenderIdentity || undefined;
    assertNoProblems(this, [...emailProblems('senderEmail', props.senderEmail), ...reusedIdentityProblems(props.senderEmail, reused)]);
    this.senderEmail = props.senderEmail;
    this.reusesIdentity = reused !== undefined;

    this.identity = reused
      ? EmailIdentity.fromEmailIdentityName(this, 'Sender', reused)
      : new EmailIdentity(this, 'Sender', { identity: Identity.email(props.senderEmail) });
    this.linkSecret = new Secret(this, 'LinkSecret', {
      description: 'hitl-approvals: HMAC key for email decision links',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.secretRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    acknowledgeRule(
      this.linkSecret,
      'SMG4',
      'The link key signs short-lived decision links; rotating it invalidates every link in flight, so it is rotated deliberately (update the secret) rather than on a schedule.',
    );

    this.notifier = new HitlFunction(this, 'Notifier', {
      ...entryOf(props.handlers, 'notifier'),
      description: 'hitl-approvals notifier: emails approvers about new and escalated requests',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.notifier),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      logLevel: props.logLevel,
      logEncryptionKey: props.logEncryptionKey,
      network: props.network,
    });
    props.table.bindRequestWriter(this.notifier);
    this.bindSenderAddress(this.notifier);
    this.bindLinkSecret(this.notifier);
    this.notifier.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [this.identity.emailIdentityArn],
        // Even with the identity's permission, mail may only go out From this address.
        conditions: { StringEquals: { 'ses:FromAddress': props.senderEmail } },
      }),
    );
    // The notifier paces its sends by the account's sending rate (1 a second in the sandbox).
    this.notifier.addToRolePolicy(new PolicyStatement({ actions: ['ses:GetSendQuota'], resources: ['*'] }));
    acknowledgeWildcardResource(
      this.notifier.executionRole,
      '*',
      `${XRAY_WILDCARD_REASON} Likewise ses:GetSendQuota, which reads the account's sending quota (for pacing), reads no message and sends nothing.`,
    );
  }

  /** Sets `SENDER_EMAIL` on `fn` (the address only; sending stays with the notifier). */
  bindSenderAddress(fn: LambdaFunction): void {
    fn.addEnvironment('SENDER_EMAIL', this.senderEmail);
  }

  /** Sets `LINK_SECRET_ARN` on `fn` and lets it read the link-signing key. */
  bindLinkSecret(fn: LambdaFunction): void {
    fn.addEnvironment('LINK_SECRET_ARN', this.linkSecret.secretArn);
    this.linkSecret.grantRead(fn);
  }

  /** Sets `NOTIFIER_FUNCTION_NAME` on `fn` and lets it invoke the notifier (asynchronously). */
  bindNotifier(fn: LambdaFunction): void {
    fn.addEnvironment('NOTIFIER_FUNCTION_NAME', this.notifier.functionName);
    // The unqualified ARN only: grantInvoke would add `<arn>:*` (every version and alias).
    fn.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.notifier.functionArn] }));
  }
}

/** A reused identity is the sender address itself or the domain it belongs to. */
function reusedIdentityProblems(senderEmail: string, identity: string | undefined): string[] {
  if (identity === undefined || !isKnown(identity) || !isKnown(senderEmail)) return [];
  const domain = senderEmail.slice(senderEmail.lastIndexOf('@') + 1).toLowerCase();
  const name = identity.toLowerCase();
  return name === senderEmail.toLowerCase() || domain === name || domain.endsWith(`.${name}`)
    ? []
    : [`reuseSenderIdentity "${identity}" is neither ${senderEmail} nor a domain it belongs to`];
}
