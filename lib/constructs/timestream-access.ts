import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnTable } from 'aws-cdk-lib/aws-timestream';

/**
 * Timestream actions on the given tables, plus DescribeEndpoints, which the SDK calls first and
 * which has no resource-level permissions (the one statement on resource `*`).
 */
export function allowTimestream(fn: IFunction, actions: string[], tables: CfnTable[]): void {
  fn.addToRolePolicy(new PolicyStatement({ actions, resources: tables.map((t) => t.attrArn) }));
  fn.addToRolePolicy(new PolicyStatement({ actions: ['timestream:DescribeEndpoints'], resources: ['*'] }));
}
