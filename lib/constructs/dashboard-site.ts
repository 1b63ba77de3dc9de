import { HttpMethod, type HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DASHBOARD_FILES } from '../../dashboard/manifest.ts';
import { nodeFunction } from './node-function.ts';

export interface DashboardSiteProps {
  api: HttpApi;
  logRetention: RetentionDays;
}

/** The dashboard page on the HTTP API's own origin (GET / and /dashboard/*), so it calls the query API without CORS. */
export class DashboardSite extends Construct {
  readonly files: NodejsFunction;

  constructor(scope: Construct, id: string, props: DashboardSiteProps) {
    super(scope, id);
    this.files = nodeFunction(this, 'Files', {
      entry: 'dashboard.ts',
      description: 'Serves the dashboard page, scripts and styles',
      logRetention: props.logRetention,
      memorySize: 128,
      copyFiles: [...new Set(Object.values(DASHBOARD_FILES).map((file) => file.path))],
    });
    const integration = new HttpLambdaIntegration('DashboardIntegration', this.files);
    props.api.addRoutes({ path: '/', methods: [HttpMethod.GET], integration });
    props.api.addRoutes({ path: '/dashboard/{file+}', methods: [HttpMethod.GET], integration });
  }
}
