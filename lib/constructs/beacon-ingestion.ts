import { HttpMethod, type HttpApi, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routesOf } from '../../src/api/routes.ts';
import { nodeFunction } from './node-function.ts';

export interface BeaconIngestionProps {
  api: HttpApi;
  allowedOrigins: string[];
  allowedApps: string[];
  reservedConcurrency?: number;
  streamMode: 'provisioned' | 'on-demand';
  shards: number;
  logRetention: RetentionDays;
}

/**
 * POST /v1/beacon -> ingest function -> Kinesis. Provisioned shards cost $0.015 an hour each and
 * take 1,000 records/s; on-demand costs $0.04 an hour for the stream and sizes itself.
 */
export class BeaconIngestion extends Construct {
  readonly stream: Stream;
  readonly ingest: NodejsFunction;
  readonly route: HttpRoute;

  constructor(scope: Construct, id: string, props: BeaconIngestionProps) {
    super(scope, id);
    this.stream = new Stream(this, 'Stream', {
      encryption: StreamEncryption.MANAGED,
      ...(props.streamMode === 'on-demand' ? { streamMode: StreamMode.ON_DEMAND } : { streamMode: StreamMode.PROVISIONED, shardCount: props.shards }),
    });
    this.ingest = nodeFunction(this, 'Ingest', {
      entry: 'ingest.ts',
      description: 'Validates beacons and puts them on the stream',
      logRetention: props.logRetention,
      environment: { STREAM_ARN: this.stream.streamArn, ALLOWED_ORIGINS: props.allowedOrigins.join(','), ALLOWED_APPS: props.allowedApps.join(',') },
      ...(props.reservedConcurrency ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
    });
    this.stream.grantWrite(this.ingest);
    const beacon = routesOf('ingest')[0]!;
    this.route = props.api.addRoutes({
      path: beacon.path,
      methods: [HttpMethod[beacon.method]],
      integration: new HttpLambdaIntegration('IngestIntegration', this.ingest),
    })[0]!;
  }
}
