import { App } from 'aws-cdk-lib';
import { readConfig } from '../lib/config.ts';
import { VitalstreamStack } from '../lib/vitalstream-stack.ts';

const app = new App();
new VitalstreamStack(app, app.node.tryGetContext('stackName') ?? 'vitalstream', {
  config: readConfig((key) => app.node.tryGetContext(key)),
  description: 'vitalstream: real-user and server performance monitoring',
});
