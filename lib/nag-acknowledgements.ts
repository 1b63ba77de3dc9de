import { type Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface NagTargets {
  beaconRoute: IConstruct;
  analysisState: IConstruct;
  deadLetters: IConstruct;
  stream: IConstruct;
  token: IConstruct;
  /** Present when the stack stores aggregates in Timestream. */
  timestream?: { storage: IConstruct; rejectedData: IConstruct };
}

/** Every AwsSolutions finding this stack keeps, each with the reason it is kept. */
export function acknowledgeNagFindings(stack: Stack, targets: NagTargets): void {
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

  ack(stack, 'AwsSolutions-L1', 'Functions are pinned to nodejs22.x, the Node major the tests and local pipeline run on.');
  ack(
    targets.beaconRoute,
    'AwsSolutions-APIG4',
    'POST /v1/beacon is public by design (browsers cannot hold a secret); it is validated, size-limited and throttled. GET / and /dashboard/* serve the static dashboard page, which holds no data and no secret. The /v1 query routes use a Lambda authorizer.',
  );
  ack(
    targets.analysisState,
    'AwsSolutions-S1',
    'The bucket holds one object the analyze function rewrites each detection run; access logs for it would need yet another bucket.',
  );
  ack(targets.deadLetters, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter destination of the stream consumer.');
  ack(targets.stream, 'AwsSolutions-KDS3', 'The stream uses the AWS-managed aws/kinesis key: encrypted at rest at no per-request KMS cost.');
  ack(targets.token, 'AwsSolutions-SMG4', 'Rotating the query token would log out every dashboard; rotate it by hand with put-secret-value when needed.');
  if (targets.timestream) {
    const { storage, rejectedData } = targets.timestream;
    ack(
      stack,
      'AwsSolutions-IAM5[Resource::*]',
      'timestream:DescribeEndpoints supports no resource-level permissions (resource must be *); every other action is scoped to a resource.',
    );
    ack(storage, 'AwsSolutions-TS3', 'The Timestream database uses the AWS-owned key: encrypted at rest, no key policy to get wrong, no KMS charges.');
    ack(rejectedData, 'AwsSolutions-S1', 'The bucket only receives Timestream reports of rejected records; access logs for it would need yet another bucket.');
    ack(
      storage,
      'CloudFormation-Validate::W3697',
      'Timestream for LiveAnalytics is closed to new AWS customers since 2025-06-20 (see README); accounts that have it keep it, and -c metricStore=dynamodb serves every other account.',
    );
  }
}
