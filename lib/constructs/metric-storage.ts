import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/**
 * What every metric store construct gives the stack: the environment its functions read (the
 * store factory in lambdas/aws/metric-store.ts builds the adapter from it), and grants of exactly
 * the actions reading or writing needs. The stack picks one by `-c metricStore=`.
 */
export interface MetricStorage extends IConstruct {
  readonly kind: 'timestream' | 'dynamodb';
  readonly environment: Readonly<Record<string, string>>;
  grantRead(fn: IFunction): void;
  grantWrite(fn: IFunction): void;
  /** Reads plus the housekeeping the scheduled analysis does (DynamoDB: folding final batches into hourly rollups). */
  grantMaintain(fn: IFunction): void;
  /** Outputs worth printing after a deploy. */
  readonly outputs: Readonly<Record<string, string>>;
}
