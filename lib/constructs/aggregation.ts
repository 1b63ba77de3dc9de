import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Stream } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';
import { nodeFunction } from './node-function.ts';

export interface AggregationProps {
  stream: Stream;
  database: CfnDatabase;
  table: CfnTable;
  logRetention: RetentionDays;
}

/**
 * Kinesis -> aggregate function -> Timestream. Batches of up to 1,000 records or 2 s, whichever
 * comes first: big enough that one invocation folds many beacons into few Timestream records
 * (the write bill is per record-KiB), short enough that a metric shows up within seconds.
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
      description: 'Folds stream records into one-minute sketches in Timestream',
      logRetention: props.logRetention,
      memorySize: 512,
      timeout: Duration.seconds(60),
      environment: { TIMESTREAM_DATABASE: props.database.ref, TIMESTREAM_TABLE: props.table.attrName },
    });
    this.aggregate.addEventSource(new KinesisEventSource(props.stream, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 1000,
      maxBatchingWindow: Duration.seconds(2),
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: 5,
      // Past 6 h a record is more use in the dead-letter queue than holding its shard back.
      maxRecordAge: Duration.hours(6),
      onFailure: new SqsDlq(this.deadLetters),
    }));
    this.aggregate.addToRolePolicy(new PolicyStatement({
      actions: ['timestream:WriteRecords', 'timestream:Select'],
      resources: [props.table.attrArn],
    }));
    this.aggregate.addToRolePolicy(new PolicyStatement({
      actions: ['timestream:DescribeEndpoints'],
      resources: ['*'], // DescribeEndpoints has no resource-level permissions
    }));
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
