import { App } from 'aws-cdk-lib';
import { readConfig, type VitalstreamConfig } from '../lib/config.ts';
import { VitalstreamStack } from '../lib/vitalstream-stack.ts';

const app = new App();
let config: VitalstreamConfig;
try {
  config = readConfig((key) => app.node.tryGetContext(key), Object.keys(app.node.getAllContext()));
} catch (error) {
  // A settings mistake is the user's to fix: one line that says which, not a stack trace.
  console.error(`vitalstream: ${(error as Error).message}`);
  process.exit(1);
}
new VitalstreamStack(app, app.node.tryGetContext('stackName') ?? 'vitalstream', {
  config,
  description: 'vitalstream: real-user and server performance monitoring',
});
