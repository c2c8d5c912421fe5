/**
 * The one way this project builds a Lambda function: the handler module under functions/ bundled by esbuild
 * as minified ESM (with the AWS SDK inside, so the deployed code is exactly what was tested), arm64, Node 24,
 * explicit memory and timeout, its own log group with a retention, X-Ray tracing, Powertools settings, and a
 * role that starts with nothing but writing to that log group; every other permission is granted by the stack.
 */
import path from 'node:path';
import { RemovalPolicy, Validations, type Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: handlers live in functions/, the lock file pins what gets bundled. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

export const RUNTIME = Runtime.NODEJS_24_X;

/** The service name and metrics namespace the handlers' Powertools instances use (functions/common/powertools.ts). */
export const POWERTOOLS_SERVICE_NAME = 'bc-netsuite-sync';
export const METRICS_NAMESPACE = 'BcNetSuiteSync';

// esbuild's ESM output cannot `require`, but CommonJS dependencies bundled into it still call it for Node's
// built-ins; give the bundle a real one.
const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface ServiceFunctionProps {
  /** The handler module, relative to functions/ (it exports `handler`). */
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  /** Names, ARNs, URLs and non-secret settings only: credentials come from the app secret. */
  environment: Record<string, string>;
  logLevel: string;
  logRetention: RetentionDays;
  /**
   * What happens to a failed invocation, since no function has an asynchronous dead-letter queue (the
   * acknowledgement of cdk-nag's Serverless-LambdaDLQ, so each function states it).
   */
  failureHandling: string;
}

export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      // Logs go with the stack; the tables and the secret are what a teardown keeps.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.entry}: its log group, X-Ray, and what the stack grants`,
    });
    // Instead of AWSLambdaBasicExecutionRole, which may write to every log group in the account.
    this.logGroup.grantWrite(this.role);
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The only wildcard is the statement active X-Ray tracing adds: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, 'functions', props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
      },
      bundling: {
        format: OutputFormat.ESM, // written as index.mjs, so Node loads it as a module
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        banner: ESM_REQUIRE_BANNER,
        // Bundle everything, the AWS SDK included: the versions we test are the versions that run.
        externalModules: [],
      },
    });
    Validations.of(this.function).acknowledge({ id: 'Serverless-LambdaDLQ', reason: props.failureHandling });
  }

  /** More names and ARNs (e.g. the secrets the function was granted), after construction. */
  addEnvironment(variables: Record<string, string>): void {
    for (const [name, value] of Object.entries(variables)) this.function.addEnvironment(name, value);
  }
}
