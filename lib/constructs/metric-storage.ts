import { Duration, Stack } from 'aws-cdk-lib';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-timestream';
import { Construct } from 'constructs';
import { privateBucket } from './private-bucket.ts';

export interface MetricStorageProps {
  memoryRetentionHours: number;
  magneticRetentionDays: number;
}

/**
 * Timestream database with the per-minute aggregates table. The scheduled jobs keep their state
 * elsewhere: forecasts lie in the future (Timestream refuses records more than 15 minutes ahead),
 * and reading state back would cost a 30 s query minimum a run.
 */
export class MetricStorage extends Construct {
  readonly database: CfnDatabase;
  readonly aggregates: CfnTable;
  readonly rejectedData: Bucket;

  constructor(scope: Construct, id: string, props: MetricStorageProps) {
    super(scope, id);
    this.rejectedData = privateBucket(this, 'RejectedData', { lifecycleRules: [{ expiration: Duration.days(90) }] });
    this.database = new CfnDatabase(this, 'Database', { databaseName: `${Stack.of(this).stackName}-metrics` });
    const table = (tableId: string, tableName: string) => {
      const t = new CfnTable(this, tableId, {
        databaseName: this.database.ref,
        tableName,
        retentionProperties: {
          MemoryStoreRetentionPeriodInHours: String(props.memoryRetentionHours),
          MagneticStoreRetentionPeriodInDays: String(props.magneticRetentionDays),
        },
        // Late beacons for windows older than the memory store still land (in the magnetic store);
        // records it refuses are reported to the bucket instead of vanishing.
        magneticStoreWriteProperties: {
          EnableMagneticStoreWrites: true,
          MagneticStoreRejectedDataLocation: {
            S3Configuration: { BucketName: this.rejectedData.bucketName, EncryptionOption: 'SSE_S3', ObjectKeyPrefix: `${tableName}/` },
          },
        },
      });
      t.node.addDependency(this.database);
      return t;
    };
    this.aggregates = table('Aggregates', 'aggregates');
  }
}
