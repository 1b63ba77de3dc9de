import { Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface NodeFunctionProps {
  /** File under lambdas/aws/ that exports `handler`. */
  entry: string;
  description: string;
  logRetention: RetentionDays;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  /** Files (paths from the repository root) copied next to the bundle under the same paths. */
  copyFiles?: readonly string[];
  /** More scripts bundled next to `index.js` (worker threads): output file name to source path from the root. */
  extraBundles?: Readonly<Record<string, string>>;
  reservedConcurrentExecutions?: number;
}

/**
 * Every vitalstream function: Node 22 on arm64 (20 % cheaper per GB-second than x86), bundled by
 * esbuild on this machine (no Docker), with its own log group and retention, and a role that may
 * write to that log group only (AWSLambdaBasicExecutionRole grants logs:* writes on every group).
 */
export function nodeFunction(scope: Construct, id: string, props: NodeFunctionProps): NodejsFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `vitalstream ${id} function` });
  role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}:*`] }));
  const stack = Stack.of(scope);
  const logGroupId = stack.resolve(stack.getLogicalId(logGroup.node.defaultChild as CfnElement)) as string;
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:*]`,
    reason: "The streams of the function's own log group: Lambda names each stream itself, so they cannot be listed ahead.",
  });
  return new NodejsFunction(scope, id, {
    role,
    ...(props.reservedConcurrentExecutions ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
    entry: join(ROOT, 'lambdas', 'aws', props.entry),
    handler: 'handler',
    description: props.description,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout ?? Duration.seconds(10),
    environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    logGroup,
    projectRoot: ROOT,
    depsLockFilePath: join(ROOT, 'package-lock.json'),
    bundling: {
      forceDockerBundling: false,
      minify: true,
      sourceMap: true,
      target: 'node22',
      format: OutputFormat.CJS,
      // Pin the SDK versions the tests ran against instead of the runtime's bundled copy.
      bundleAwsSDK: true,
      ...(props.copyFiles || props.extraBundles
        ? {
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (inputDir: string, outputDir: string) => [
                ...(props.copyFiles ?? []).map(
                  (file) => `mkdir -p "${join(outputDir, file, '..')}" && cp "${join(inputDir, file)}" "${join(outputDir, file)}"`,
                ),
                ...Object.entries(props.extraBundles ?? {}).map(
                  ([outfile, source]) =>
                    `"${join(inputDir, 'node_modules/.bin/esbuild')}" "${join(inputDir, source)}" --bundle --platform=node --format=cjs --target=node22 --minify --log-level=warning --outfile="${join(outputDir, outfile)}"`,
                ),
              ],
            },
          }
        : {}),
    },
  });
}
