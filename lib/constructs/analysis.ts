import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { privateBucket } from './private-bucket.ts';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { MetricStorage } from './metric-storage.ts';
import { nodeFunction } from './node-function.ts';

// The object's key keeps its first name, so a deployed stack finds the statistics it already kept.
const KEPT_STATISTICS_KEY = 'anomaly/bucket-history.json.gz';

export interface AnalysisProps {
  storage: MetricStorage;
  topic: ITopic;
  topicKey: IKey;
  everyMinutes: number;
  memoryMb: number;
  /** Alert notifications one run sends per app before the rest go out as one digest. */
  alertsPerAppPerRun: number;
  /** Where alert links point: the dashboard, which opens the alert's view from the link. */
  dashboardUrl: string;
  logRetention: RetentionDays;
}

/**
 * The scheduled analyze function. Every run reads the metric store once; on Timestream each query
 * is billed at least 4 TCUs for 30 s (about $0.017), so there the rate is the main cost knob: every
 * 15 minutes is ~$49 a month, every 5 minutes ~$146. Alert lifecycle state lives in an on-demand
 * DynamoDB item.
 */
export class Analysis extends Construct {
  readonly analyze: NodejsFunction;
  readonly alertState: Table;
  readonly schedule: Rule;
  /** The anomaly detector's bucket statistics between runs (one object). */
  readonly state: Bucket;

  constructor(scope: Construct, id: string, props: AnalysisProps) {
    super(scope, id);
    this.alertState = new Table(this, 'AlertState', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Rebuilt from the aggregates if lost, but that first run reads eight days: kept like every bucket.
    this.state = privateBucket(this, 'State');
    this.analyze = nodeFunction(this, 'Analyze', {
      entry: 'analyze.ts',
      description: 'Scheduled analysis: threshold and anomaly alerts, forecast refits',
      logRetention: props.logRetention,
      // Memory buys cores (1,769 MB is one vCPU, 10,240 MB six) and the detector uses them all.
      memorySize: props.memoryMb,
      // As long as Lambda allows, but never past the next scheduled run.
      timeout: Duration.minutes(Math.min(15, props.everyMinutes)),
      extraBundles: { 'detect-worker.js': 'runtime/workers/detect-worker.ts' },
      environment: {
        ...props.storage.environment,
        ALERT_STATE_TABLE: this.alertState.tableName,
        TOPIC_ARN: props.topic.topicArn,
        DASHBOARD_URL: props.dashboardUrl,
        ANALYSIS_STATE_BUCKET: this.state.bucketName,
        KEPT_STATISTICS_KEY,
        ALERTS_PER_APP_PER_RUN: String(props.alertsPerAppPerRun),
      },
    });
    this.analyze.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [this.state.arnForObjects(KEPT_STATISTICS_KEY)] }),
    );
    // GetObject of a missing key answers 403 without ListBucket; the adapter needs the 404.
    this.analyze.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.state.bucketArn] }));
    props.storage.grantMaintain(this.analyze);
    // DeleteItem gives the run lease back (lambdas/adapters/dynamodb-run-lease.ts).
    this.alertState.grant(this.analyze, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem');
    // One run at a time: no async retries (the next scheduled run is the retry) and a lease in the
    // state table against what still overlaps (a run slower than the schedule, a manual invoke).
    this.analyze.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(Math.min(15, props.everyMinutes)) });
    // Exact actions rather than grantPublish, which adds the wildcard kms:GenerateDataKey*.
    this.analyze.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
    this.analyze.addToRolePolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [props.topicKey.keyArn] }));
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Runs the vitalstream analysis',
      schedule: Schedule.rate(Duration.minutes(props.everyMinutes)),
      targets: [new LambdaFunction(this.analyze, { retryAttempts: 0, maxEventAge: Duration.minutes(Math.min(15, props.everyMinutes)) })],
    });
  }
}
