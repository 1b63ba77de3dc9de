import { Key } from 'aws-cdk-lib/aws-kms';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertingProps {
  alertEmail?: string;
}

/** The alert topic, encrypted with a customer key CloudWatch alarms may also use. */
export class Alerting extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', { enableKeyRotation: true, description: 'vitalstream alerts and dead letters' });
    // The AWS-managed SNS key cannot be used by CloudWatch, so alarms could not publish.
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', { displayName: 'vitalstream alerts', masterKey: this.key, enforceSSL: true });
    if (props.alertEmail) this.topic.addSubscription(new EmailSubscription(props.alertEmail));
  }
}
