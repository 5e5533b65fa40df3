import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Duration, type ILocalBundling, RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledgeControl, acknowledgeLogGroupControls } from './control-tower.ts';
import { acknowledgeRule, acknowledgeWildcardResource, XRAY_WILDCARD_REASON } from './nag.ts';

/** The repository root: the lock file, tsconfig and `lambdas/` live here. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the Lambda entry points (`gate.ts`, `api.ts`, `decisions.ts`, `sweeper.ts`, `notifier.ts` and the `flow-*.ts` ones) live. */
export const DEFAULT_ENTRYPOINTS_DIR = join(REPO_ROOT, 'lambdas', 'entrypoints');

/** Where the Lambda handlers come from: the entry files and the project that builds them. */
export interface HandlerSource {
  /** Folder with one `<name>.ts` per `EntryName`, each exporting `handler`. */
  readonly entrypointsDir: string;
  /** Folder holding `tsconfig.json` (and `package-lock.json`); it must contain `entrypointsDir`. */
  readonly projectRoot: string;
}

/** This repository's handlers. */
export const REPO_HANDLERS: HandlerSource = { entrypointsDir: DEFAULT_ENTRYPOINTS_DIR, projectRoot: REPO_ROOT };

/** The system's functions (`HitlApprovals`) and the flow functions (`HitlFlows`), by entry file name. */
export const ENTRY_NAMES = ['gate', 'api', 'decisions', 'sweeper', 'notifier', 'flow-agent', 'flow-tools', 'flow-gate', 'flow-gate-timeout'] as const;
export type EntryName = (typeof ENTRY_NAMES)[number];

/** The entry file of one of the functions. */
export function entryOf(handlers: HandlerSource | undefined, name: EntryName): { entry: string; projectRoot: string } {
  const source = handlers ?? REPO_HANDLERS;
  return { entry: join(source.entrypointsDir, `${name}.ts`), projectRoot: source.projectRoot };
}

/** The name Powertools logs and traces carry. */
export const SERVICE_NAME = 'hitl-approvals';

export type FunctionLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Where functions run when they run in a VPC. */
export interface FunctionNetwork {
  readonly vpc: IVpc;
  /** @default - the VPC's private subnets with egress */
  readonly vpcSubnets?: SubnetSelection;
  /** @default - one security group per function, all outbound allowed, no inbound */
  readonly securityGroups?: ISecurityGroup[];
}

export interface HitlFunctionProps {
  /** Absolute path of the TypeScript entry file; it must `export const handler`. */
  readonly entry: string;
  /** Folder with the tsconfig the entry builds with. @default REPO_ROOT */
  readonly projectRoot?: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** What happens to the log group when the stack goes away. @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** The `LOG_LEVEL` the handler's logger reads. @default 'INFO' */
  readonly logLevel?: FunctionLogLevel;
  /** A customer-managed KMS key for the log group. @default - encrypted by CloudWatch Logs' own key */
  readonly logEncryptionKey?: IKey;
  /** Run the function in this VPC (it then needs a NAT or VPC endpoints to reach AWS services). @default - outside any VPC */
  readonly network?: FunctionNetwork;
  /** Extra environment variables; prefer the `bind*` helpers, which also grant access. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Folders copied next to the bundle, by the name they get there (`{ flows: '/repo/statemachines/flows' }`
   * becomes `flows/` beside `index.mjs`): files the handler reads at run time, found when CDK bundles
   * rather than listed in code. A folder that does not exist is skipped. @default {}
   */
  readonly bundledFolders?: Readonly<Record<string, string>>;
  /**
   * Build the dashboard's browser code (`web/`, by esbuild) into `web/` beside the bundle, where the
   * dashboard route reads it (lambdas/channels/dashboard/dashboard-assets.ts). @default false
   */
  readonly withDashboard?: boolean;
}

/**
 * A Lambda function with the project's defaults: Node.js 22 on arm64, bundled by the local esbuild
 * to minified, split ESM with source maps and the AWS SDK clients inside (`lambda-bundling.ts`; the
 * same build the cold-start bench times, which `NodejsFunction` cannot do as it writes one file), its own
 * log group with a retention, X-Ray tracing, and a role that may write only to that log group until `bind*` helpers grant more.
 *
 * The role and the log group are created next to the function (`<id>Role`, `<id>Logs`) because a
 * subclass cannot create children before calling `super`.
 */
export class HitlFunction extends LambdaFunction {
  /** The execution role; it starts with only its own log group's write access. */
  public readonly executionRole: Role;
  /** The function's log group, with the retention set. */
  public readonly logs: LogGroup;

  constructor(scope: Construct, id: string, props: HitlFunctionProps) {
    // Our own role instead of the default one: the default attaches the AWS managed
    // AWSLambdaBasicExecutionRole (logs on every log group); ours writes to one log group only.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    const retention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const logs = new LogGroup(scope, `${id}Logs`, {
      retention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
      encryptionKey: props.logEncryptionKey,
    });
    acknowledgeLogGroupControls(logs, retention, props.logEncryptionKey !== undefined);
    const projectRoot = props.projectRoot ?? REPO_ROOT;
    const tsconfig = join(projectRoot, 'tsconfig.json');
    const build = new LocalBundling(props.entry, existsSync(tsconfig) ? tsconfig : undefined, props.bundledFolders ?? {}, props.withDashboard ?? false);
    super(scope, id, {
      // The bundle's own bytes are the asset's hash; bundling reads the entry and what it imports.
      code: Code.fromAsset(projectRoot, {
        assetHashType: AssetHashType.OUTPUT,
        // Bundling always runs locally (esbuild is a dependency); the image is never pulled.
        bundling: { image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'), local: build },
      }),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      role,
      logGroup: logs,
      vpc: props.network?.vpc,
      vpcSubnets: props.network?.vpcSubnets,
      securityGroups: props.network?.securityGroups,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        LOG_LEVEL: props.logLevel ?? 'INFO',
        ...props.environment,
      },
    });
    this.executionRole = role;
    this.logs = logs;
    if (props.network) {
      acknowledgeRule(
        role,
        'IAM4',
        'In a VPC, Lambda needs AWSLambdaVPCAccessExecutionRole (create, describe and delete its network interfaces); AWS maintains that managed policy for exactly this purpose.',
      );
    } else {
      acknowledgeControl(
        this,
        'CT.LAMBDA.PR.3',
        'The function reaches only AWS service endpoints (DynamoDB, Step Functions, SES, Secrets Manager, Bedrock) over TLS with IAM-signed requests and no private resource; a VPC would add NAT or endpoint costs and cold-start work without narrowing that. Pass network (a VPC) to meet the control.',
      );
    }
    logs.grantWrite(role);
    acknowledgeWildcardResource(role, '*', XRAY_WILDCARD_REASON);
    acknowledgeRule(
      this,
      'L1',
      'Node.js 22 (nodejs22.x) is the runtime the project targets and tests against (local mode, middy 6, Powertools); moving to nodejs24.x is a deliberate upgrade, not a default.',
    );
  }
}

/**
 * Bundles one function on this machine. Its fields are what CDK's asset cache keys on (it serializes
 * the bundling options, where methods do not show): two functions bundled alike share a bundle.
 */
class LocalBundling implements ILocalBundling {
  constructor(
    readonly entry: string,
    readonly tsconfig: string | undefined,
    readonly folders: Readonly<Record<string, string>>,
    readonly withDashboard: boolean,
  ) {}

  tryBundle(outputDir: string): boolean {
    execFileSync(TSX, [LAMBDA_BUNDLE_CLI, this.entry, outputDir, ...(this.tsconfig ? [this.tsconfig] : [])], { stdio: 'inherit' });
    copyFolders(this.folders, outputDir);
    if (this.withDashboard) execFileSync(TSX, [DASHBOARD_BUILD_CLI, join(outputDir, 'web')], { stdio: 'inherit' });
    return true;
  }
}

const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
/** What bundles a function (lambda-bundling.ts), as the bench does. */
const LAMBDA_BUNDLE_CLI = join(REPO_ROOT, 'infra', 'cli', 'lambda-bundle.ts');
/** What builds the dashboard's script and style into a folder. */
const DASHBOARD_BUILD_CLI = join(REPO_ROOT, 'infra', 'cli', 'dashboard-build.ts');

/** Copies each existing folder's files into `<outputDir>/<name>/`. */
function copyFolders(folders: Readonly<Record<string, string>>, outputDir: string): void {
  for (const [name, source] of Object.entries(folders)) {
    if (!existsSync(source)) continue;
    mkdirSync(join(outputDir, name), { recursive: true });
    for (const file of readdirSync(source)) {
      if (statSync(join(source, file)).isFile()) cpSync(join(source, file), join(outputDir, name, file));
    }
  }
}
