import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, MathExpression, Metric, TreatMissingData, type IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Stream } from 'aws-cdk-lib/aws-kinesis';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface PipelineHealthProps {
  api: HttpApi;
  stream: Stream;
  ingest: NodejsFunction;
  aggregate: NodejsFunction;
  deadLetters: Queue;
  deadLetterAlarm: Alarm;
  topic: ITopic;
  analyze: NodejsFunction;
  /** The store reports records it refused (Timestream's RejectedRecords); DynamoDB has no such thing. */
  storeRejects: boolean;
}

const FIVE_MINUTES = Duration.minutes(5);

/** Alarms and a CloudWatch dashboard for the pipeline's own health; alarms publish to the alert topic. */
export class PipelineHealth extends Construct {
  readonly alarms: IAlarm[];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PipelineHealthProps) {
    super(scope, id);
    const stack = Stack.of(this).stackName;
    const api5xx = props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    const api4xx = props.api.metricClientError({ period: FIVE_MINUTES, statistic: 'Sum' });
    const apiCount = props.api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' });
    const clientErrorRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors: api4xx, requests: apiCount },
      period: FIVE_MINUTES,
      label: '4xx %',
    });
    const iteratorAge = props.aggregate.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) });
    const throttled = props.stream.metricPutRecordsThrottledRecords({ period: FIVE_MINUTES, statistic: 'Sum' });
    const aggregateErrors = props.aggregate.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' });
    const rejected = new Metric({
      namespace: 'vitalstream',
      metricName: 'RejectedRecords',
      dimensionsMap: { service: 'aggregate' },
      period: FIVE_MINUTES,
      statistic: 'Sum',
    });

    const alarm = (alarmId: string, description: string, metric: Metric | MathExpression, threshold: number, evaluationPeriods = 1) =>
      new Alarm(this, alarmId, {
        alarmDescription: `${description} (${stack})`,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    this.alarms = [
      alarm('Ingest5xx', 'The beacon API answered 5xx: beacons are being refused, clients retry', api5xx, 1),
      alarm('Ingest4xxRate', 'Over 20 % of requests were refused as bad input: a client or SDK release may be broken', clientErrorRate, 20, 2),
      alarm('IteratorAge', 'The aggregator is over a minute behind the stream', iteratorAge, 60_000, 5),
      alarm('StreamThrottles', 'Kinesis throttled puts', throttled, 1),
      alarm('AggregateErrors', 'The aggregate function failed batches (retried, then dead-lettered)', aggregateErrors, 1, 3),
      ...(props.storeRejects ? [alarm('RejectedRecords', 'Timestream rejected aggregate records', rejected, 1)] : []),
      props.deadLetterAlarm,
      alarm(
        'AnalyzeErrors',
        'The scheduled analysis failed (alerts may not have been delivered; they are retried next run)',
        props.analyze.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
      ),
    ];
    for (const a of this.alarms) if (a instanceof Alarm) a.addAlarmAction(new SnsAction(props.topic));

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${stack}-pipeline-health`,
      widgets: [
        [
          new GraphWidget({ title: 'Beacon API requests and errors', left: [apiCount, api4xx, api5xx], width: 12 }),
          new GraphWidget({
            title: 'Ingest duration (p99) and errors',
            left: [props.ingest.metricDuration({ statistic: 'p99' })],
            right: [props.ingest.metricErrors()],
            width: 12,
          }),
        ],
        [
          new GraphWidget({
            title: 'Stream: incoming records and throttles',
            left: [props.stream.metricIncomingRecords({ statistic: 'Sum' })],
            right: [throttled],
            width: 12,
          }),
          new GraphWidget({ title: 'Aggregator iterator age (ms)', left: [iteratorAge], width: 12 }),
        ],
        [
          new GraphWidget({ title: 'Aggregator errors and Timestream rejections', left: [aggregateErrors, rejected], width: 12 }),
          new GraphWidget({ title: 'Dead-letter queue depth', left: [props.deadLetters.metricApproximateNumberOfMessagesVisible()], width: 12 }),
        ],
      ],
    });
  }
}
