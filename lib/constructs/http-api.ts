import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { type CfnStage, CorsHttpMethod, HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routesOf } from '../../src/api/routes.ts';

export interface PublicHttpApiProps {
  allowedOrigins: string[];
  /** The public beacon route's own throttle. */
  throttleRateLimit: number;
  throttleBurstLimit: number;
  /** Every other route (queries, the dashboard): its own budget, so a beacon flood leaves it alone. */
  queryThrottleRateLimit: number;
  queryThrottleBurstLimit: number;
  logRetention: RetentionDays;
}

const beacon = routesOf('ingest')[0]!;
export const BEACON_ROUTE_KEY = `${beacon.method} ${beacon.path}`;

/**
 * The access log's fields. CDK's default for HTTP APIs records `$context.identity.sourceIp`;
 * vitalstream stores no IP address, its logs included.
 */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

/**
 * An HTTP API ($1.00 per million requests, against $3.50 for REST) with a logged stage and two
 * throttles: the public beacon route has its own, and the stage default covers the rest.
 */
export class PublicHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: PublicHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'vitalstream beacons and queries',
      createDefaultStage: false,
      ...(props.allowedOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: props.allowedOrigins,
              allowCredentials: true, // sendBeacon sends credentials: origins are echoed, never *
              allowMethods: [CorsHttpMethod.POST, CorsHttpMethod.GET, CorsHttpMethod.OPTIONS],
              allowHeaders: ['content-type', 'authorization'],
              maxAge: Duration.minutes(10),
            },
          }
        : {}),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.queryThrottleRateLimit, burstLimit: props.queryThrottleBurstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
    // The L2 stage has no per-route settings (raw CloudFormation, so its casing); the route key is
    // the one BeaconIngestion adds, and the stack makes the stage wait for that route.
    (this.stage.node.defaultChild as CfnStage).routeSettings = {
      [BEACON_ROUTE_KEY]: { ThrottlingRateLimit: props.throttleRateLimit, ThrottlingBurstLimit: props.throttleBurstLimit },
    };
  }
}
