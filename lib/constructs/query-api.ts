import { Duration } from 'aws-cdk-lib';
import { HttpMethod, type HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { MetricStorage } from './metric-storage.ts';
import { routesOf } from '../../src/api/routes.ts';
import { nodeFunction } from './node-function.ts';

export interface QueryApiProps {
  api: HttpApi;
  storage: MetricStorage;
  allowedOrigins: string[];
  logRetention: RetentionDays;
  alertState: ITable;
  dashboardRefreshSeconds: number;
}

/** GET /v1/* (aggregates, metrics, alerts, advice) for the dashboard, CLI and scripts, behind a bearer token kept in Secrets Manager. */
export class QueryApi extends Construct {
  readonly query: NodejsFunction;
  readonly authorizer: NodejsFunction;
  readonly token: Secret;

  constructor(scope: Construct, id: string, props: QueryApiProps) {
    super(scope, id);
    this.token = new Secret(this, 'Token', {
      description: 'Bearer token for the vitalstream query API (Authorization: Bearer <token>)',
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
    this.authorizer = nodeFunction(this, 'Authorizer', {
      entry: 'authorize.ts',
      description: 'Checks the query API bearer token',
      logRetention: props.logRetention,
      memorySize: 128,
      environment: { QUERY_TOKEN_SECRET_ARN: this.token.secretArn },
    });
    this.token.grantRead(this.authorizer);
    this.query = nodeFunction(this, 'Query', {
      entry: 'query.ts',
      description: 'Answers /v1 queries from the metric store',
      logRetention: props.logRetention,
      memorySize: 512,
      timeout: Duration.seconds(29), // the HTTP API integration limit
      environment: {
        ...props.storage.environment,
        ALLOWED_ORIGINS: props.allowedOrigins.join(','),
        ALERT_STATE_TABLE: props.alertState.tableName,
        DASHBOARD_REFRESH_SECONDS: String(props.dashboardRefreshSeconds),
      },
    });
    props.alertState.grant(this.query, 'dynamodb:GetItem');
    props.storage.grantRead(this.query);
    const integration = new HttpLambdaIntegration('QueryIntegration', this.query);
    const authorizer = new HttpLambdaAuthorizer('TokenAuthorizer', this.authorizer, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.minutes(5),
    });
    // Each query route of the API's table, so API Gateway itself answers 404 for anything else.
    for (const route of routesOf('query')) props.api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration, authorizer });
  }
}
