import { Duration, Fn, Lazy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { SLACK_USER_ID_ATTRIBUTE } from '#adapters/directory/cognito-directory';
import { AGENT_SCOPE } from '../../lambdas/handlers/http/agent-identity.ts';
import { acknowledgeRule } from './nag.ts';
import { assertNoProblems, groupNameProblems, urlProblems } from './prop-checks.ts';
import { removalPolicyFor, type Stage } from './stage.ts';

export interface ApproverPoolProps {
  /** In prod the user pool has deletion protection and survives stack deletion. @default 'prod' */
  readonly stage?: Stage;
  /** Groups whose members may decide requests that name them. @default ['approvers'] */
  readonly approverGroups?: readonly string[];
  /** Groups whose members read every request and execution, history and the audit log, and edit flows. @default ['admins'] */
  readonly adminGroups?: readonly string[];
  /** Groups whose members read history, the audit log and statistics (and no requests). @default ['auditors'] */
  readonly auditorGroups?: readonly string[];
  /** Where the hosted UI sends an approver after sign-in (the `code` arrives there). @default ['http://localhost:8080/callback'] */
  readonly callbackUrls?: readonly string[];
  /**
   * Prefix of the hosted UI domain `<prefix>.auth.<region>.amazoncognito.com`; unique per region.
   * @default - `hitl-<stage>-<this stack's id>`, unique without exposing the account id
   */
  readonly domainPrefix?: string;
  /**
   * Cognito Plus feature plan with threat protection enforced (blocks compromised credentials and
   * risky sign-ins; billed per monthly active user). Turn off to stay on the Essentials plan.
   * @default true
   */
  readonly threatProtection?: boolean;
  /**
   * A resource server `hitl` with the scope `agents`, and a confidential app client for agents with
   * the client credentials grant and that scope (see `agentClient`).
   * @default false
   */
  readonly agentClient?: boolean;
}

/** The resource server and scope of agents' access tokens: `hitl/agents`, the scope the API's identity code checks. */
const [AGENT_RESOURCE_SERVER, AGENT_SCOPE_NAME] = AGENT_SCOPE.split('/') as [string, string];

export const DEFAULT_CALLBACK_URLS: readonly string[] = ['http://localhost:8080/callback'];

/** The custom attribute linking an approver to their Slack member id (`custom:slack_user_id`), as the directory reads it. */
export const SLACK_USER_ID_CUSTOM_ATTRIBUTE = SLACK_USER_ID_ATTRIBUTE.replace(/^custom:/, '');

/**
 * The people who decide: a Cognito user pool without self sign-up (an admin invites approvers),
 * MFA required, groups that carry approver and admin roles, a `custom:slack_user_id` attribute that
 * links an approver to Slack, and an app client for the hosted UI (authorization code with PKCE).
 */
export class ApproverPool extends Construct {
  public readonly userPool: UserPool;
  /** Public app client (no secret) for the hosted UI's authorization-code flow. */
  public readonly client: UserPoolClient;
  public readonly domain: UserPoolDomain;
  /** Each configured group by name. */
  public readonly groups: ReadonlyMap<string, CfnUserPoolGroup>;
  public readonly approverGroups: readonly string[];
  public readonly adminGroups: readonly string[];
  public readonly auditorGroups: readonly string[];
  /** The hosted UI sign-in page for the first callback URL. */
  public readonly signInUrl: string;
  /** The scope agents' access tokens carry (`hitl/agents`), with `agentClient`. */
  public readonly agentScope?: OAuthScope;
  /**
   * With `agentClient`: a confidential app client (its secret stays in Cognito) that gets access
   * tokens with `agentScope` from the domain's `/oauth2/token` by the client credentials grant.
   */
  public readonly agentClient?: UserPoolClient;

  // Read lazily at synth, so URLs known only later (the API's own pages) can still be allowed.
  private readonly callbackUrls: string[];

  constructor(scope: Construct, id: string, props: ApproverPoolProps = {}) {
    super(scope, id);
    const stage = props.stage ?? 'prod';
    this.approverGroups = props.approverGroups ?? ['approvers'];
    this.adminGroups = props.adminGroups ?? ['admins'];
    this.auditorGroups = props.auditorGroups ?? ['auditors'];
    const callbackUrls = [...(props.callbackUrls ?? DEFAULT_CALLBACK_URLS)];
    this.callbackUrls = callbackUrls;
    assertNoProblems(this, [
      ...groupNameProblems('approverGroups', this.approverGroups),
      ...groupNameProblems('adminGroups', this.adminGroups),
      ...groupNameProblems('auditorGroups', this.auditorGroups),
      ...overlapProblems({ approverGroups: this.approverGroups, adminGroups: this.adminGroups, auditorGroups: this.auditorGroups }),
      ...(callbackUrls.length === 0 ? ['callbackUrls needs at least one URL'] : urlProblems('callbackUrls', callbackUrls, 'url')),
    ]);
    const threatProtection = props.threatProtection ?? true;

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // Slack member ids look like U0BOB00001; an admin sets it (admin-update-user-attributes).
      customAttributes: { [SLACK_USER_ID_CUSTOM_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }) },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Approvers release actions an AI agent wants to take; a password alone is too little.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: threatProtection ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: threatProtection ? StandardThreatProtectionMode.FULL_FUNCTION : undefined,
      deletionProtection: stage === 'prod',
      removalPolicy: removalPolicyFor(stage),
    });
    if (!threatProtection) {
      acknowledgeRule(this.userPool, 'COG8', 'Threat protection (Plus plan) was turned off by the deployer through `threatProtection: false`.');
    }

    const groups = new Map<string, CfnUserPoolGroup>();
    const describe = (name: string, role: string, precedence: number) => {
      groups.set(name, new CfnUserPoolGroup(this, `Group-${name}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: name,
        description: role,
        precedence,
      }));
    };
    this.adminGroups.forEach((name) => describe(name, 'hitl-approvals admins: history, audit log and every request', 0));
    this.auditorGroups.forEach((name) => describe(name, 'hitl-approvals auditors: history, audit log and statistics', 5));
    this.approverGroups.forEach((name) => describe(name, 'hitl-approvals approvers: decide the requests that name this group', 10));
    this.groups = groups;

    this.client = this.userPool.addClient('HostedUiClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: Lazy.list({ produce: () => this.callbackUrls }),
        logoutUrls: Lazy.list({ produce: () => this.callbackUrls }),
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      // The Slack link decides whose click a Slack decision is: only an admin may set it, never the
      // user with their own token (the default lets the client write every mutable attribute).
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true, givenName: true, familyName: true, preferredUsername: true, locale: true, timezone: true }),
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    // The stack id's GUID is unique per stack and region, so two deployments never fight over the
    // global domain prefix, and the account id stays out of the sign-in URL.
    const stackGuid = Fn.select(2, Fn.split('/', Stack.of(this).stackId));
    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `hitl-${stage}-${stackGuid}` },
    });
    this.signInUrl = this.domain.signInUrl(this.client, { redirectUri: callbackUrls[0] ?? '' });

    if (props.agentClient) {
      const agents = new ResourceServerScope({ scopeName: AGENT_SCOPE_NAME, scopeDescription: 'Ask hitl-approvals gates and read their decisions' });
      const server = this.userPool.addResourceServer('AgentsResourceServer', { identifier: AGENT_RESOURCE_SERVER, userPoolResourceServerName: 'hitl-approvals agents', scopes: [agents] });
      // The literal scope, so API methods and the identity code name the same string the template does.
      this.agentScope = OAuthScope.custom(AGENT_SCOPE);
      // Machine to machine: no user, no hosted UI, only the agents scope.
      this.agentClient = this.userPool.addClient('AgentClient', {
        generateSecret: true,
        authFlows: {},
        oAuth: { flows: { clientCredentials: true }, scopes: [this.agentScope] },
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        accessTokenValidity: Duration.hours(1),
        preventUserExistenceErrors: true,
      });
      this.agentClient.node.addDependency(server);
    }
  }

  /** Lets the hosted UI return to `url` after sign-in (and sign-out). */
  allowCallbackUrl(url: string): void {
    this.callbackUrls.push(url);
  }

  /**
   * Sets `USER_POOL_ID` on `fn` and lets it look people up in this pool only: members of a group,
   * a user's attributes and a user's groups (to find whom to notify and who holds which role).
   */
  bindDirectory(fn: LambdaFunction): void {
    fn.addEnvironment('USER_POOL_ID', this.userPool.userPoolId);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['cognito-idp:ListUsersInGroup', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser'],
        resources: [this.userPool.userPoolArn],
      }),
    );
  }

  /**
   * Sets `HITL_ADMIN_GROUPS` and `HITL_AUDITOR_GROUPS` on `fn` (the API function): admins read
   * everything and alone save and deploy flows; auditors read history, the audit log and statistics
   * (unset, it would trust groups named `admins` and `auditors`).
   */
  bindRoleGroups(fn: LambdaFunction): void {
    fn.addEnvironment('HITL_ADMIN_GROUPS', this.adminGroups.join(','));
    fn.addEnvironment('HITL_AUDITOR_GROUPS', this.auditorGroups.join(','));
  }

  /** Sets `COGNITO_DOMAIN` and `COGNITO_CLIENT_ID` on `fn`, for pages that sign approvers in through the hosted UI. */
  bindHostedUi(fn: LambdaFunction): void {
    fn.addEnvironment('COGNITO_DOMAIN', this.domain.baseUrl());
    fn.addEnvironment('COGNITO_CLIENT_ID', this.client.userPoolClientId);
  }
}

function overlapProblems(roles: Readonly<Record<string, readonly string[]>>): string[] {
  const problems: string[] = [];
  const names = Object.keys(roles);
  names.forEach((first, i) => {
    for (const second of names.slice(i + 1)) {
      const shared = roles[first]!.filter((group) => roles[second]!.includes(group));
      if (shared.length > 0) problems.push(`${first} and ${second} both list ${shared.join(', ')}; a group carries one role`);
    }
  });
  return problems;
}
