import { Duration, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';
import type { MetricStorage } from './metric-storage.ts';
import { privateBucket } from './private-bucket.ts';
import { allowTimestream } from './timestream-access.ts';

export interface TimestreamStorageProps {
  memoryRetentionHours: number;
  magneticRetentionDays: number;
}

/**
 * Timestream database with the per-minute aggregates table, for accounts that have Timestream
 * for LiveAnalytics (closed to new customers since 2025-06-20). The scheduled jobs keep their
 * state elsewhere: forecasts lie in the future (Timestream refuses records more than 15 minutes
 * ahead), and reading state back would cost a 30 s query minimum a run.
 */
export class TimestreamStorage extends Construct implements MetricStorage {
  readonly kind = 'timestream' as const;
  readonly database: CfnDatabase;
  readonly aggregates: CfnTable;
  readonly rejectedData: Bucket;

  constructor(scope: Construct, id: string, props: TimestreamStorageProps) {
    super(scope, id);
    this.rejectedData = privateBucket(this, 'RejectedData', { lifecycleRules: [{ expiration: Duration.days(90) }] });
    this.database = new CfnDatabase(this, 'Database', { databaseName: `${Stack.of(this).stackName}-metrics` });
    this.aggregates = new CfnTable(this, 'Aggregates', {
      databaseName: this.database.ref,
      tableName: 'aggregates',
      retentionProperties: {
        MemoryStoreRetentionPeriodInHours: String(props.memoryRetentionHours),
        MagneticStoreRetentionPeriodInDays: String(props.magneticRetentionDays),
      },
      // Late beacons for windows older than the memory store still land (in the magnetic store);
      // records it refuses are reported to the bucket instead of vanishing.
      magneticStoreWriteProperties: {
        EnableMagneticStoreWrites: true,
        MagneticStoreRejectedDataLocation: {
          S3Configuration: { BucketName: this.rejectedData.bucketName, EncryptionOption: 'SSE_S3', ObjectKeyPrefix: 'aggregates/' },
        },
      },
    });
    this.aggregates.node.addDependency(this.database);
  }

  get environment() {
    return { METRIC_STORE: 'timestream', TIMESTREAM_DATABASE: this.database.ref, TIMESTREAM_TABLE: this.aggregates.attrName };
  }

  get outputs() {
    return { DatabaseName: this.database.ref, AggregatesTableName: this.aggregates.attrName };
  }

  grantRead(fn: IFunction): void {
    allowTimestream(fn, ['timestream:Select'], [this.aggregates]);
  }

  grantWrite(fn: IFunction): void {
    // Select too: the adapter's endpoint discovery and marker reads go through the query endpoint.
    allowTimestream(fn, ['timestream:WriteRecords', 'timestream:Select'], [this.aggregates]);
  }

  grantMaintain(fn: IFunction): void {
    this.grantRead(fn);
  }
}
