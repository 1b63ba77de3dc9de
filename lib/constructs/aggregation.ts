import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Stream } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MetricStorage } from './metric-storage.ts';
import { nodeFunction } from './node-function.ts';
import { STREAM_DELIVERY } from '../../src/settings.ts';

export interface AggregationProps {
  stream: Stream;
  storage: MetricStorage;
  logRetention: RetentionDays;
  batchWindowSeconds: number;
}

/**
 * Kinesis -> aggregate function -> the metric store. Batches of up to 1,000 records or the
 * batching window (60 s by default), whichever comes first. A window close to the one-minute
 * aggregation lets one invocation fold a whole minute of a shard into one item per series: both
 * stores bill writes per record or item, so at 1 M page views a month a 2 s window would cost ~6 x more.
 * The price is latency: a minute shows up on AWS within about a minute of its end.
 */
export class Aggregation extends Construct {
  readonly aggregate: NodejsFunction;
  readonly deadLetters: Queue;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AggregationProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, 'DeadLetters', {
      // SSE-SQS: encrypted at rest without granting the consumer wildcard KMS actions.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.aggregate = nodeFunction(this, 'Aggregate', {
      entry: 'aggregate.ts',
      description: 'Folds stream records into one-minute sketches in the metric store',
      logRetention: props.logRetention,
      memorySize: 512,
      timeout: Duration.seconds(60),
      environment: { ...props.storage.environment },
    });
    this.aggregate.addEventSource(
      new KinesisEventSource(props.stream, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: STREAM_DELIVERY.batchSize,
        maxBatchingWindow: Duration.seconds(props.batchWindowSeconds),
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: STREAM_DELIVERY.retries,
        maxRecordAge: Duration.hours(STREAM_DELIVERY.maxRecordAgeHours),
        onFailure: new SqsDlq(this.deadLetters),
      }),
    );
    props.storage.grantWrite(this.aggregate);
    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: `Stream records failed aggregation and are parked in the dead-letter queue (${Stack.of(this).stackName}); inspect and redrive them`,
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
