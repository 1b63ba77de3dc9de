import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../lib/config.ts';
import { VitalstreamStack } from '../../lib/vitalstream-stack.ts';

function synth(context: Record<string, unknown> = {}) {
  // Bundling is proven by `cdk synth` in its own test; template checks do not need the bundles.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new VitalstreamStack(app, 'vitalstream', { config: readConfig((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext())) });
  return { app, stack, template: Template.fromStack(stack) };
}

let template: Template;
let built: ReturnType<typeof synth>;
beforeAll(() => {
  built = synth({ alertEmail: 'ops@example.com', allowedOrigins: 'https://shop.example.com,https://www.example.com' });
  template = built.template;
});

const functionsWith = (entryHint: string) =>
  Object.entries(template.findResources('AWS::Lambda::Function')).filter(([logicalId]) => logicalId.includes(entryHint));

describe('VitalstreamStack', () => {
  it('runs every function on nodejs22.x arm64 with its own log group and retention', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    // ingest, aggregate, analyze, query, authorizer, dashboard
    expect(functions.length).toBe(6);
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.LoggingConfig?.LogGroup).toBeDefined();
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('puts beacons on an encrypted Kinesis stream: one provisioned shard by default, on-demand or more shards by choice', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 1,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
    synth({ streamMode: 'on-demand' }).template.hasResourceProperties('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    synth({ shards: '3' }).template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 3 });
    expect(() => synth({ streamMode: 'fast' })).toThrow(/streamMode must be provisioned or on-demand/);
  });

  it('consumes the stream with partial batch responses, bisection, bounded retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 60,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 21600,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      AlarmActions: [Match.anyValue()],
    });
  });

  it('creates the Timestream aggregates table with configurable retention, magnetic writes and a rejected-data bucket', () => {
    const tables = template.findResources('AWS::Timestream::Table');
    expect(Object.keys(tables)).toHaveLength(1);
    for (const table of Object.values(tables)) {
      expect(table.Properties.RetentionProperties).toEqual({ MemoryStoreRetentionPeriodInHours: '12', MagneticStoreRetentionPeriodInDays: '400' });
      expect(table.Properties.MagneticStoreWriteProperties.EnableMagneticStoreWrites).toBe(true);
      expect(table.Properties.MagneticStoreWriteProperties.MagneticStoreRejectedDataLocation.S3Configuration.EncryptionOption).toBe('SSE_S3');
    }
    const custom = synth({ memoryRetentionHours: '72', magneticRetentionDays: '30' }).template;
    custom.hasResourceProperties('AWS::Timestream::Table', {
      RetentionProperties: { MemoryStoreRetentionPeriodInHours: '72', MagneticStoreRetentionPeriodInDays: '30' },
    });
  });

  it('serves POST /v1/beacon publicly and GET /v1/* behind the token authorizer, with CORS and throttling', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: { AllowOrigins: ['https://shop.example.com', 'https://www.example.com'], AllowCredentials: true },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /v1/beacon', AuthorizationType: 'NONE' });
    for (const path of ['/v1/aggregates', '/v1/metrics', '/v1/alerts', '/v1/advice', '/v1/anomalies', '/v1/forecasts']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `GET ${path}`, AuthorizationType: 'CUSTOM' });
    }
    // The dashboard page is public (it holds no data); what it reads goes through the authorizer above.
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /', AuthorizationType: 'NONE' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /dashboard/{file+}', AuthorizationType: 'NONE' });
    expect(Object.keys(template.findOutputs('DashboardUrl'))).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ DASHBOARD_REFRESH_SECONDS: '300' }) } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      RouteSettings: { 'POST /v1/beacon': { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 } },
      AccessLogSettings: { DestinationArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: { PasswordLength: 40, ExcludePunctuation: true } });
  });

  it('gives every function only the actions it needs, no * action, and * resource only for DescribeEndpoints', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]) {
        const actions = [statement.Action].flat();
        expect(actions.filter((a) => a.includes('*'))).toEqual([]);
        if (statement.Resource === '*') expect(actions).toEqual(['timestream:DescribeEndpoints']);
      }
    }
    const ingestPolicy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p).includes('kinesis:PutRecords'));
    expect(JSON.stringify(ingestPolicy)).not.toMatch(/timestream/);
  });

  it('encrypts the alert topic with a rotating customer key and subscribes the alert e-mail', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    expect(Object.keys(synth().template.findResources('AWS::SNS::Subscription'))).toHaveLength(0);
  });

  it('watches its own health: ingest 4xx/5xx, iterator age, throttles, aggregate errors, rejected records, DLQ', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    const described = alarms.map((a) => String(a.Properties.AlarmDescription)).join('\n');
    for (const phrase of ['5xx', '20 %', 'behind the stream', 'throttled', 'failed batches', 'rejected', 'dead-letter', 'scheduled analysis'])
      expect(described).toContain(phrase);
    for (const a of alarms) expect(a.Properties.AlarmActions).toHaveLength(1);
    expect(Object.keys(template.findResources('AWS::CloudWatch::Dashboard'))).toHaveLength(1);
  });

  it('runs the analysis on a configurable schedule with its alert state in DynamoDB and SNS to publish to', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });
    expect(synth({ analyzeEveryMinutes: '5' }).template.findResources('AWS::Events::Rule')).toSatisfy(
      (rules: Record<string, { Properties: { ScheduleExpression: string } }>) =>
        Object.values(rules).some((r) => r.Properties.ScheduleExpression === 'rate(5 minutes)'),
    );
    // A run never outlasts the interval, so two runs do not overlap on the alert state.
    synth({ analyzeEveryMinutes: '5', analyzeMemoryMb: '10240' }).template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Scheduled analysis'),
      MemorySize: 10240,
      Timeout: 300,
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    const analyzePolicy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p).includes('dynamodb:PutItem'));
    expect(JSON.stringify(analyzePolicy)).toContain('sns:Publish');
    expect(JSON.stringify(analyzePolicy)).toContain('timestream:Select');
    expect(JSON.stringify(analyzePolicy)).not.toContain('timestream:WriteRecords');
    expect(JSON.stringify(analyzePolicy)).toContain('dynamodb:BatchWriteItem'); // the scheduled forecasts
    expect(JSON.stringify(analyzePolicy)).toContain('anomaly/bucket-history.json.gz'); // the detector's statistics, one object
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Scheduled analysis'), MemorySize: 1769, Timeout: 900 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Scheduled analysis'),
      Environment: { Variables: Match.objectLike({ ALERTS_PER_APP_PER_RUN: '5' }) },
    });
    synth({ alertsPerAppPerRun: '12' }).template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ALERTS_PER_APP_PER_RUN: '12' }) },
    });
    const queryPolicy = Object.values(template.findResources('AWS::IAM::Policy')).find(
      (p) => JSON.stringify(p).includes('dynamodb:GetItem') && !JSON.stringify(p).includes('dynamodb:PutItem'),
    );
    expect(JSON.stringify(queryPolicy)).toContain('timestream:Select');
  });

  it('outputs the beacon URL, query URL, token secret, topic, database and table names', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toEqual(
      expect.arrayContaining([
        'BeaconUrl',
        'QueryUrl',
        'QueryTokenSecretArn',
        'TopicArn',
        'DatabaseName',
        'AggregatesTableName',
        'AnalysisStateBucket',
        'DashboardUrl',
      ]),
    );
  });

  it('gives the public beacon route a throttle of its own, apart from the query and dashboard routes', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const beacon = stage!.Properties.RouteSettings['POST /v1/beacon'];
    expect(beacon.ThrottlingRateLimit).toBeGreaterThan(stage!.Properties.DefaultRouteSettings.ThrottlingRateLimit);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey as string);
    expect(routes).toContain('POST /v1/beacon');
    const custom = synth({ throttleRateLimit: '300', queryThrottleRateLimit: '20', ingestReservedConcurrency: '40' }).template;
    custom.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 20 }),
      RouteSettings: { 'POST /v1/beacon': Match.objectLike({ ThrottlingRateLimit: 300 }) },
    });
    custom.hasResourceProperties('AWS::Lambda::Function', { Description: 'Validates beacons and puts them on the stream', ReservedConcurrentExecutions: 40 });
  });

  it('stores no IP address, not even in the API access log', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    const format = stage!.Properties.AccessLogSettings.Format as string;
    expect(format).toContain('$context.requestId');
    expect(format).not.toMatch(/sourceIp|identity/);
  });

  it('lets one analysis run at a time: no async or EventBridge retries, and a lease it may give back', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }) })] });
    const [analyze] = functionsWith('Analyze');
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === analyze![1].Properties.Role['Fn::GetAtt'][0]),
    );
    const actions = policies.flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((st: { Action: string | string[] }) => st.Action));
    expect(actions).toContain('dynamodb:DeleteItem');
  });

  it("scopes each function's log writes to its own log group and CloudWatch's key use to this account", () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    for (const role of roles) expect(JSON.stringify(role.Properties.ManagedPolicyArns ?? [])).not.toContain('AWSLambdaBasicExecutionRole');
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const logWrites = statements.filter((st) => [st.Action].flat().includes('logs:PutLogEvents'));
    expect(logWrites.length).toBe(Object.keys(template.findResources('AWS::Lambda::Function')).length);
    for (const st of logWrites) expect(JSON.stringify(st.Resource)).toMatch(/Logs[0-9A-F]+", ?"Arn"/);
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    const cloudwatch = (
      key!.Properties.KeyPolicy.Statement as { Principal?: { Service?: string }; Condition?: Record<string, Record<string, unknown>> }[]
    ).filter((st) => st.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch).toHaveLength(1);
    expect(cloudwatch[0]!.Condition?.StringEquals?.['aws:SourceAccount']).toBeDefined();
    expect(cloudwatch[0]!.Condition?.ArnLike?.['aws:SourceArn']).toBeDefined();
  });

  it('passes the accepted apps to the ingest function and warns when none are named', () => {
    const named = synth({ apps: 'shop,blog' }).template;
    named.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ ALLOWED_APPS: 'shop,blog' }) } });
    expect(() => synth({ apps: 'Shop!' })).toThrow(/not an app name/);
  });

  it('passes cdk-nag AwsSolutions with every kept finding acknowledged', () => {
    const report = new AwsSolutionsChecks(built.app).validateScope(built.app);
    const open = report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`);
    expect(open).toEqual([]);
  });

  it('refuses context that would deploy something broken', () => {
    expect(() => synth({ allowedOrigins: '*' })).toThrow(/never \*/);
    expect(() => synth({ alertEmail: 'not-an-address' })).toThrow(/not an e-mail/);
    expect(() => synth({ memoryRetentionHours: '0' })).toThrow(/memoryRetentionHours must be an integer from 1/);
    expect(() => synth({ batchWindowSeconds: '301' })).toThrow(/batchWindowSeconds must be an integer from 0 to 300/);
  });

  it('refuses an unknown or misspelled context key with the list of known ones, instead of deploying the default', () => {
    expect(() => synth({ metricstore: 'dynamodb' })).toThrow(/unknown context key 'metricstore' \(did you mean 'metricStore'\?\); known keys: .*metricStore/);
    expect(() => synth({ shard: '2' })).toThrow(/unknown context key 'shard'; known keys: .*shards/);
    // The CDK's own keys (feature flags, lookups, CLI settings) pass.
    expect(() => synth({ '@aws-cdk/core:newStyleStackSynthesis': true, 'acknowledged-issue-numbers': [1] })).not.toThrow();
  });

  describe('with -c metricStore=dynamodb, for accounts without Timestream', () => {
    let dynamo: ReturnType<typeof synth>;
    beforeAll(() => {
      dynamo = synth({ metricStore: 'dynamodb', retentionDays: '90', alertEmail: 'ops@example.com' });
    });
    const policyOf = (t: Template, description: string) => {
      const [, fn] = Object.entries(t.findResources('AWS::Lambda::Function')).find(([, f]) => f.Properties.Description === description)!;
      const role = fn.Properties.Role['Fn::GetAtt'][0];
      return Object.values(t.findResources('AWS::IAM::Policy'))
        .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    };
    const actionsOn = (statements: { Action: string | string[]; Resource: unknown }[], table: string) =>
      statements
        .filter((st) => JSON.stringify(st.Resource).includes(table))
        .flatMap((st) => [st.Action].flat())
        .sort();

    it('creates no Timestream resource and an encrypted on-demand table with TTL retention and point-in-time recovery', () => {
      const t = dynamo.template;
      expect(Object.keys(t.findResources('AWS::Timestream::Database'))).toHaveLength(0);
      t.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'x', Enabled: true },
      });
      t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ METRIC_STORE: 'dynamodb', RETENTION_DAYS: '90' }) } });
      expect(JSON.stringify(t.toJSON())).not.toMatch(/timestream:/);
    });

    it('gives each function only the table actions it needs', () => {
      const t = dynamo.template;
      const [tableId] = Object.keys(t.findResources('AWS::DynamoDB::Table')).filter((id) => id.startsWith('Storage'));
      expect(actionsOn(policyOf(t, 'Folds stream records into one-minute sketches in the metric store'), tableId!)).toEqual([
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
      ]);
      expect(actionsOn(policyOf(t, 'Answers /v1 queries from the metric store'), tableId!)).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
      expect(actionsOn(policyOf(t, 'Scheduled analysis: threshold and anomaly alerts, forecast refits'), tableId!)).toEqual([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
      ]);
      expect(actionsOn(policyOf(t, 'Validates beacons and puts them on the stream'), tableId!)).toEqual([]);
      for (const policy of Object.values(t.findResources('AWS::IAM::Policy'))) {
        for (const statement of policy.Properties.PolicyDocument.Statement as { Resource: unknown }[]) expect(statement.Resource).not.toBe('*');
      }
    });

    it('passes cdk-nag AwsSolutions and outputs the table', () => {
      const report = new AwsSolutionsChecks(dynamo.app).validateScope(dynamo.app);
      expect(report.violations.map((v) => v.ruleName)).toEqual([]);
      const outputs = Object.keys(dynamo.template.findOutputs('*'));
      expect(outputs).toEqual(expect.arrayContaining(['MetricStore', 'AggregatesTableName']));
      expect(outputs).not.toContain('DatabaseName');
    });
  });
});
