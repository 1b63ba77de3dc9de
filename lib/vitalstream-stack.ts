import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { VitalstreamConfig } from './config.ts';
import { Aggregation } from './constructs/aggregation.ts';
import { Alerting } from './constructs/alerting.ts';
import { Analysis } from './constructs/analysis.ts';
import { BeaconIngestion } from './constructs/beacon-ingestion.ts';
import { PublicHttpApi } from './constructs/http-api.ts';
import type { MetricStorage } from './constructs/metric-storage.ts';
import { DynamoDbStorage } from './constructs/dynamodb-storage.ts';
import { TimestreamStorage } from './constructs/timestream-storage.ts';
import { PipelineHealth } from './constructs/pipeline-health.ts';
import { QueryApi } from './constructs/query-api.ts';
import { DashboardSite } from './constructs/dashboard-site.ts';
import { acknowledgeNagFindings } from './nag-acknowledgements.ts';

export interface VitalstreamStackProps extends StackProps {
  config: VitalstreamConfig;
}

export class VitalstreamStack extends Stack {
  constructor(scope: Construct, id: string, props: VitalstreamStackProps) {
    super(scope, id, props);
    const { config } = props;
    if (config.apps.length === 0) {
      Annotations.of(this).addWarningV2(
        'vitalstream:open-apps',
        'The public beacon endpoint accepts any app name: deploy with -c apps=<your apps> so strangers cannot add apps of their own.',
      );
    }
    const logRetention = logRetentionOf(config.logRetentionDays);

    const http = new PublicHttpApi(this, 'Http', { ...config, logRetention });
    const alerting = new Alerting(this, 'Alerting', config.alertEmail ? { alertEmail: config.alertEmail } : {});
    const storage: MetricStorage =
      config.metricStore === 'dynamodb' ? new DynamoDbStorage(this, 'Storage', config) : new TimestreamStorage(this, 'Storage', config);
    const ingestion = new BeaconIngestion(this, 'Ingestion', {
      api: http.api,
      allowedOrigins: config.allowedOrigins,
      allowedApps: config.apps,
      logRetention,
      streamMode: config.streamMode,
      shards: config.shards,
      ...(config.ingestReservedConcurrency ? { reservedConcurrency: config.ingestReservedConcurrency } : {}),
    });
    // The stage's beacon-route throttle names that route: CloudFormation must create it first.
    http.stage.node.addDependency(ingestion.route);
    const aggregation = new Aggregation(this, 'Aggregation', {
      stream: ingestion.stream,
      storage,
      logRetention,
      batchWindowSeconds: config.batchWindowSeconds,
    });
    const analysis = new Analysis(this, 'Analysis', {
      storage,
      topic: alerting.topic,
      topicKey: alerting.key,
      everyMinutes: config.analyzeEveryMinutes,
      memoryMb: config.analyzeMemoryMb,
      alertsPerAppPerRun: config.alertsPerAppPerRun,
      dashboardUrl: `${http.api.apiEndpoint}/`,
      logRetention,
    });
    const query = new QueryApi(this, 'Query', {
      api: http.api,
      storage,
      allowedOrigins: config.allowedOrigins,
      logRetention,
      alertState: analysis.alertState,
      dashboardRefreshSeconds: config.dashboardRefreshSeconds,
    });
    new DashboardSite(this, 'Dashboard', { api: http.api, logRetention });
    new PipelineHealth(this, 'Health', {
      api: http.api,
      stream: ingestion.stream,
      ingest: ingestion.ingest,
      aggregate: aggregation.aggregate,
      deadLetters: aggregation.deadLetters,
      deadLetterAlarm: aggregation.deadLetterAlarm,
      topic: alerting.topic,
      analyze: analysis.analyze,
      storeRejects: storage.kind === 'timestream',
    });

    const base = http.api.apiEndpoint;
    new CfnOutput(this, 'BeaconUrl', { value: `${base}/v1/beacon`, description: 'Point the SDKs here' });
    new CfnOutput(this, 'DashboardUrl', { value: `${base}/`, description: 'Open it and paste the token from QueryTokenSecretArn' });
    new CfnOutput(this, 'QueryUrl', { value: `${base}/v1/aggregates`, description: 'Needs Authorization: Bearer <QueryTokenSecretArn value>' });
    new CfnOutput(this, 'QueryTokenSecretArn', {
      value: query.token.secretArn,
      description: 'aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text',
    });
    new CfnOutput(this, 'TopicArn', { value: alerting.topic.topicArn });
    new CfnOutput(this, 'MetricStore', { value: storage.kind });
    for (const [name, value] of Object.entries(storage.outputs)) new CfnOutput(this, name, { value });
    new CfnOutput(this, 'AnalysisStateBucket', { value: analysis.state.bucketName, description: "The anomaly detector's 15-minute statistics between runs" });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: aggregation.deadLetters.queueUrl });

    acknowledgeNagFindings(this, {
      beaconRoute: http.api,
      analysisState: analysis.state,
      deadLetters: aggregation.deadLetters,
      stream: ingestion.stream,
      token: query.token,
      ...(storage instanceof TimestreamStorage ? { timestream: { storage, rejectedData: storage.rejectedData } } : {}),
    });
  }
}

function logRetentionOf(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays)
    .filter((v): v is number => typeof v === 'number' && v > 0)
    .sort((a, b) => a - b);
  return (allowed.find((d) => d >= days) ?? RetentionDays.TEN_YEARS) as RetentionDays;
}
