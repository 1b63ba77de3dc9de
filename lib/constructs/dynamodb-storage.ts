import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { MetricStorage } from './metric-storage.ts';

export interface DynamoDbStorageProps {
  retentionDays: number;
  minuteRetentionDays: number;
}

/**
 * One on-demand DynamoDB table for the aggregates (key layout in
 * lambdas/adapters/dynamodb-store.ts): serverless and pay per request, with no 30 s query
 * minimum, encrypted, point-in-time recovery on, and retention by TTL (deletes by TTL are free).
 */
export class DynamoDbStorage extends Construct implements MetricStorage {
  readonly kind = 'dynamodb' as const;
  readonly table: Table;
  private readonly props: DynamoDbStorageProps;

  constructor(scope: Construct, id: string, props: DynamoDbStorageProps) {
    super(scope, id);
    this.props = props;
    this.table = new Table(this, 'Aggregates', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'x',
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  get environment() {
    return {
      METRIC_STORE: 'dynamodb',
      AGGREGATES_TABLE: this.table.tableName,
      RETENTION_DAYS: String(this.props.retentionDays),
      MINUTE_RETENTION_DAYS: String(this.props.minuteRetentionDays),
    };
  }

  get outputs() {
    return { AggregatesTableName: this.table.tableName };
  }

  grantRead(fn: IFunction): void {
    this.table.grant(fn, 'dynamodb:Query', 'dynamodb:GetItem');
  }

  grantWrite(fn: IFunction): void {
    this.table.grant(fn, 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchWriteItem');
  }

  grantMaintain(fn: IFunction): void {
    this.table.grant(fn, 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem');
  }
}
